package io.ironclad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The jar's command line as an operator meets it: help exits 0 on stdout, mistakes exit 2 with one line naming the command. */
@Tag("integration")
class CliJarTest {

    private final IroncladJar jar = new IroncladJar();

    @Test
    void helpInEveryFormExitsZeroOnStdout() throws Exception {
        for (String[] args : new String[][] {{"--help"}, {"-h"}, {"help"}, {"help", "gc"}}) {
            IroncladJar.Run run = jar.run(args);
            assertThat(run.exitCode()).as("%s: %s", String.join(" ", args), run.err()).isZero();
            assertThat(run.out()).contains("Usage: ironclad");
        }
    }

    @Test
    void serveHelpPrintsItsFlagsAndStartsNothing() throws Exception {
        IroncladJar.Run run = jar.run("serve", "--help");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Usage: ironclad serve").contains("--port").contains("--host").contains("--data-dir").contains("--config");
        assertThat(run.out() + run.err()).doesNotContain("Flyway").doesNotContain("serving on");
    }

    @Test
    void unknownOptionOrCommandIsExitTwoWithOneLineFirst() throws Exception {
        IroncladJar.Run option = jar.run("verify", "--bogus");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.firstErrLine()).isEqualTo("ironclad verify: Unknown option: '--bogus'");
        assertThat(option.out()).isEmpty();

        IroncladJar.Run command = jar.run("frob");
        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.firstErrLine()).isEqualTo("ironclad: unknown command 'frob'");
    }
}
