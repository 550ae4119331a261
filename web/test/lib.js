// The library under test is its one source, web/client/ (the npm package, and the file the gateway serves).
export * from '../client/heliograph.js';
