package io.heliograph.deployment.license;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.heliograph.deployment.Repository;

/**
 * The project is Apache-2.0: the full text at the root, and every pom carries the license, either
 * itself or inherited from the parent pom (Maven inherits {@code <licenses>} unless a child declares
 * its own).
 */
class LicenseTest {

    static final String PARENT = "heliograph-parent";
    static final String URL = "https://www.apache.org/licenses/LICENSE-2.0.txt";
    /** Build output, installed tools and local state: no pom of ours lives there. */
    static final Set<String> SKIPPED = Set.of("target", "node_modules", ".heliograph", ".git", ".mvn");

    @Test
    void rootHasTheFullApacheLicenseText() throws IOException {
        String text = Files.readString(Repository.root().resolve("LICENSE"));
        assertThat(text).contains("Apache License", "Version 2.0, January 2004",
                "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION",
                "END OF TERMS AND CONDITIONS", "APPENDIX: How to apply the Apache License to your work.");
    }

    @Test
    void everyPomDeclaresOrInheritsTheLicense() throws Exception {
        Path root = Repository.root();
        assertThat(declaresApache(parse(root.resolve("pom.xml")))).as("root pom declares Apache-2.0").isTrue();
        List<Path> poms = poms(root);
        assertThat(poms).hasSizeGreaterThan(5);
        for (Path pom : poms) {
            Document doc = parse(pom);
            boolean inherits = PARENT.equals(text(doc.getDocumentElement(), "parent", "artifactId"))
                    && !hasOwnLicenses(doc);
            assertThat(inherits || declaresApache(doc))
                    .as("%s declares Apache-2.0 or inherits it from %s", root.relativize(pom), PARENT).isTrue();
        }
    }

    private static List<Path> poms(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> root.relativize(p).getNameCount() <= 3)
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            if (SKIPPED.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .toList();
        }
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static boolean hasOwnLicenses(Document doc) {
        return child(doc.getDocumentElement(), "licenses") != null;
    }

    private static boolean declaresApache(Document doc) {
        Element licenses = child(doc.getDocumentElement(), "licenses");
        if (licenses == null) {
            return false;
        }
        Element license = child(licenses, "license");
        return license != null && "Apache-2.0".equals(text(license, "name")) && URL.equals(text(license, "url"));
    }

    private static String text(Element from, String... path) {
        Element at = from;
        for (String name : path) {
            at = at == null ? null : child(at, name);
        }
        return at == null ? null : at.getTextContent().trim();
    }

    private static Element child(Element parent, String name) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }
}
