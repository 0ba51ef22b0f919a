package dev.crflow.cli.report;

/** A journal with two {@code interval} choices, shared by the report's and the status command's tests. */
public final class AutoIntervalFactsTestData {
    private AutoIntervalFactsTestData() {}

    public static final String JOURNAL = AutoIntervalFactsTest.JOURNAL;
}
