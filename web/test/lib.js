// The library under test is the file the gateway serves, not a copy.
export * from '../../gateway-service/src/main/resources/META-INF/resources/heliograph.js';
