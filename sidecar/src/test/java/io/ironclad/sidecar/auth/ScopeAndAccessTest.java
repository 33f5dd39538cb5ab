package io.ironclad.sidecar.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scope parsing, the request-to-scope matrix and the htpasswd access file. */
class ScopeAndAccessTest {

    @Test
    void scopesParseWithColonsInTheNameAndPrintInTheUsualOrder() {
        Scope scope = Scope.parse("repository:localhost:5000/team/app:push,pull");
        assertThat(scope.type()).isEqualTo("repository");
        assertThat(scope.name()).isEqualTo("localhost:5000/team/app");
        assertThat(scope.actions()).containsExactlyInAnyOrder("pull", "push");
        assertThat(scope).hasToString("repository:localhost:5000/team/app:pull,push");
        assertThat(Scope.parse("registry:catalog:*")).isEqualTo(Scope.CATALOG);
        for (String bad : List.of("repository", "repository:app", "repository:app:", ":app:pull")) {
            assertThatThrownBy(() -> Scope.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void eachRequestNeedsTheScopeOfItsAction() {
        assertThat(checked(HttpMethod.GET, "/v2/team/app/manifests/v1")).containsExactly("repository:team/app:pull");
        assertThat(checked(HttpMethod.HEAD, "/v2/team/app/blobs/sha256:abc")).containsExactly("repository:team/app:pull");
        assertThat(checked(HttpMethod.GET, "/v2/team/app/tags/list")).containsExactly("repository:team/app:pull");
        assertThat(checked(HttpMethod.GET, "/v2/team/app/referrers/sha256:abc")).containsExactly("repository:team/app:pull");
        assertThat(checked(HttpMethod.POST, "/v2/team/app/blobs/uploads/")).containsExactly("repository:team/app:push");
        assertThat(checked(HttpMethod.PATCH, "/v2/team/app/blobs/uploads/0f3c")).containsExactly("repository:team/app:push");
        assertThat(checked(HttpMethod.PUT, "/v2/team/app/blobs/uploads/0f3c")).containsExactly("repository:team/app:push");
        assertThat(checked(HttpMethod.DELETE, "/v2/team/app/blobs/uploads/0f3c")).containsExactly("repository:team/app:push");
        assertThat(checked(HttpMethod.PUT, "/v2/team/app/manifests/v1")).containsExactly("repository:team/app:push");
        assertThat(checked(HttpMethod.DELETE, "/v2/team/app/manifests/sha256:abc")).containsExactly("repository:team/app:delete");
        assertThat(checked(HttpMethod.DELETE, "/v2/team/app/blobs/sha256:abc")).containsExactly("repository:team/app:delete");
        assertThat(checked(HttpMethod.GET, "/v2/_catalog")).containsExactly("registry:catalog:*");
        assertThat(checked(HttpMethod.GET, "/ops/consistency/events")).containsExactly("registry:admin:*");
        assertThat(checked(HttpMethod.GET, "/prometheus")).containsExactly("registry:admin:*");
        assertThat(checked(HttpMethod.GET, "/health")).containsExactly("registry:admin:*");
        assertThat(checked(HttpMethod.DELETE, "/admin/repositories/team/app")).containsExactly("repository:team/app:delete");
        assertThat(checked(HttpMethod.DELETE, "/admin/repositories/Bad..Name")).containsExactly("registry:admin:*");
        assertThat(checked(HttpMethod.POST, "/admin/retention")).containsExactly("registry:admin:*");
        assertThat(RequestAccess.of(HttpMethod.GET, "/v2/", Map.of())).isEqualTo(Requirement.login());
        assertThat(RequestAccess.of(HttpMethod.GET, "/v2/Bad\"Name/tags/list", Map.of()))
                .as("an invalid name never reaches a challenge header").isEqualTo(Requirement.login());
        assertThat(RequestAccess.of(HttpMethod.GET, "/health/readiness", Map.of()).open()).isTrue();
        assertThat(RequestAccess.of(HttpMethod.GET, "/health/liveness", Map.of()).open()).isTrue();
    }

    @Test
    void aMountNeedsPushOnTheTargetAndPullOnTheSource() {
        Requirement mount = RequestAccess.of(HttpMethod.POST, "/v2/team/app/blobs/uploads/", Map.of("mount", "sha256:abc", "from", "base/img"));
        assertThat(mount.checked()).extracting(Scope::toString).containsExactly("repository:team/app:push", "repository:base/img:pull");
        assertThat(mount.challenge()).extracting(Scope::toString).containsExactly("repository:team/app:pull,push", "repository:base/img:pull");
    }

    @Test
    void theAccessFileGrantsByUserGroupAndPattern() {
        AccessList rules = AccessList.parse(List.of(
                "# comment", "group ci bob,carol", "allow alice ** *", "allow @ci team/* pull,push # ci pushes team images",
                "allow * public/** pull", "allow alice - admin"), "test");
        Grants alice = rules.grantsOf("alice");
        Grants bob = rules.grantsOf("bob");
        Grants eve = rules.grantsOf("eve");
        assertThat(alice.allows(Scope.repository("any/where/deep", "pull", "push", "delete"))).isTrue();
        assertThat(alice.allows(Scope.ADMIN)).isTrue();
        assertThat(alice.allows(Scope.CATALOG)).isFalse();
        assertThat(bob.allows(Scope.repository("team/app", "pull", "push"))).isTrue();
        assertThat(bob.allows(Scope.repository("team/app", "delete"))).isFalse();
        assertThat(bob.allows(Scope.repository("team/app/sub", "pull"))).isFalse();
        assertThat(bob.allows(Scope.repository("public/x/y", "pull"))).isTrue();
        assertThat(eve.allows(Scope.repository("public/x", "pull"))).isTrue();
        assertThat(eve.allows(Scope.repository("public/x", "push"))).isFalse();
        assertThat(eve.allows(Scope.ADMIN)).isFalse();
        assertThatThrownBy(() -> AccessList.parse(List.of("allow alice ** fly"), "acl")).hasMessageContaining("acl line 1");
        assertThatThrownBy(() -> AccessList.parse(List.of("permit alice"), "acl")).hasMessageContaining("expected");
    }

    @Test
    void withoutAnAccessFileUsersPullAndPushButNeitherDeleteNorAdminister() {
        Grants everyone = Grants.everyRepository(true);
        assertThat(everyone.allows(Scope.repository("a/b", "pull", "push"))).isTrue();
        assertThat(everyone.allows(Scope.repository("a/b", "delete"))).isFalse();
        assertThat(everyone.allows(Scope.CATALOG)).isTrue();
        assertThat(everyone.allows(Scope.ADMIN)).isFalse();
        assertThat(Grants.everyRepository(false).allows(Scope.repository("a", "push"))).isFalse();
    }

    private static List<String> checked(HttpMethod method, String path) {
        return RequestAccess.of(method, path, Map.of()).checked().stream().map(Scope::toString).toList();
    }

    @Test
    void htpasswdLinesMustBeBcrypt() {
        String bcrypt = "$2y$05$" + "a".repeat(53);
        assertThat(Htpasswd.parse(List.of("# users", "alice:" + bcrypt, ""), "f")).containsEntry("alice", bcrypt);
        for (String line : List.of("bob:$apr1$abc$def", "bob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "bob:plain", "bob:xyCrYpTHaSh12")) {
            assertThatThrownBy(() -> Htpasswd.parse(List.of(line), "f")).as(line).hasMessageContaining("only bcrypt");
        }
    }
}
