package io.heliograph.gateway.support;

import java.util.Map;

import io.heliograph.testkit.TestKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Every {@code @QuarkusTest} of the gateway trusts this build's generated key pair ({@link TestKeys}). */
@QuarkusTestResource(value = TestKeysResource.class, restrictToAnnotatedClass = false)
public class TestKeysResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("mp.jwt.verify.publickey.location", TestKeys.publicKeyLocation());
    }

    @Override
    public void stop() {
    }
}
