package dev.crflow.cli.doctor;

/**
 * One line of {@code crflow doctor}: what was checked, whether it passed, what was seen, and what to do when it did
 * not pass. The JSON form ({@code {"name","ok","detail","advice"}}) is a contract: scripts read it.
 *
 * @param advice empty when {@code ok}
 */
public record DoctorCheck(String name, boolean ok, String detail, String advice) {
    public DoctorCheck {
        detail = detail == null ? "" : detail.strip();
        advice = advice == null ? "" : advice.strip();
    }

    public static DoctorCheck pass(String name, String detail) {
        return new DoctorCheck(name, true, detail, "");
    }

    public static DoctorCheck fail(String name, String detail, String advice) {
        return new DoctorCheck(name, false, detail, advice);
    }
}
