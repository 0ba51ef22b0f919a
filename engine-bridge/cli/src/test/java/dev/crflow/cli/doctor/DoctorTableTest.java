package dev.crflow.cli.doctor;

import dev.crflow.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorTableTest {
    @Test
    void unknownEngineIsInvalidInput() {
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        cmd.setOut(new PrintWriter(new StringWriter()));
        assertEquals(2, cmd.execute("doctor", "--engine", "podman"));
        assertTrue(err.toString().contains("unknown engine 'podman'"), err.toString());
    }

    @Test
    void helpNamesTheProbe() {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        assertEquals(0, cmd.execute("doctor", "--help"));
        assertTrue(out.toString().contains("--probe") && out.toString().contains("--json"), out.toString());
    }
}
