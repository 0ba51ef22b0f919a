package dev.crflow.cli;

import picocli.CommandLine;

import java.io.InputStream;
import java.util.Properties;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/crflow/cli/version.properties")) {
            if (in != null) p.load(in);
        }
        Properties build = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/crflow/cli/build.properties")) {
            if (in != null) build.load(in);
        }
        return new String[] {
            "crflow " + p.getProperty("version", "unknown"),
            "commit " + build.getProperty("commit", "unknown"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
