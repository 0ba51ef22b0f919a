#!/bin/sh
# crflow in-container shim (POSIX sh; no Java, no bash needed in the image).
#
# The crflow coordinator stays OUTSIDE the container; everything that must run INSIDE it (the
# application, DMTCP's launch/restart/command of the image's own build) goes through this script,
# which the coordinator bind-mounts read-only into the container. One invocation = one verb:
#
#   check [--engine dmtcp|signal|criu|none]   what the image has; key=value lines; exit 0 ok, 3 missing
#   exec [--marker F] -- ARGV...              run ARGV; forward signals; exit with its status
#   dmtcp-launch --run-dir D --ckpt-dir C [--interval S] [--marker F] -- ARGV...
#   dmtcp-restart --run-dir D --ckpt-dir C --images I [--marker F]
#   dmtcp-checkpoint --run-dir D              blocking checkpoint via the image's dmtcp_command
#   dmtcp-status --run-dir D                  NUM_PEERS=/RUNNING= lines
#   dmtcp-quit --run-dir D                    end the computation (after a checkpoint)
#
# Exit codes: 0 ok; 2 usage; 3 a tool the verb needs is missing in the image; 4 no DMTCP coordinator
# answers; 5 checkpoint failed; otherwise the application's own status.
# Signals: when the shim is PID 1 (podman, podman-hpc: a PID namespace) the runtime delivers the
# coordinator's signal to PID 1 only, so the shim forwards it to every other process of the
# container (kill -1 from PID 1 spares the shim). Without a PID namespace (shifter, apptainer) the
# coordinator's process-group signal already reached every process: the shim only survives it.

SHIM_VERSION=1
FORWARDED_SIGNALS="HUP INT QUIT USR1 USR2 ALRM TERM"

die() { code=$1; shift; printf 'crflow-shim: %s\n' "$*" >&2; exit "$code"; }

find_tool() {
    # the image's own DMTCP: PATH first, then the usual prefixes (and DMTCP_HOME when set)
    t=$1
    p=$(command -v "$t" 2>/dev/null) && { printf '%s\n' "$p"; return 0; }
    for d in ${DMTCP_HOME:+"$DMTCP_HOME/bin"} /opt/dmtcp/bin /usr/local/bin /usr/bin; do
        [ -x "$d/$t" ] && { printf '%s\n' "$d/$t"; return 0; }
    done
    return 1
}

need_dmtcp() {
    for t in dmtcp_launch dmtcp_restart dmtcp_command dmtcp_coordinator; do
        p=$(find_tool "$t") || die 3 "$t not found in the image (PATH=$PATH); DMTCP must be installed inside the image or bind-mounted (e.g. mounts ['/opt/dmtcp:/opt/dmtcp:ro'])"
        eval "$t=\$p"
    done
}

install_forwarding() {
    signals=$FORWARDED_SIGNALS
    # under DMTCP, USR2 is DMTCP's own checkpoint signal: never touch it
    [ -n "${DMTCP_COORD_PORT:-}" ] && signals=$(printf '%s\n' $signals | grep -vx USR2 | tr '\n' ' ')
    for s in $signals; do
        if [ "$$" = 1 ]; then
            trap "kill -s $s -- -1 2>/dev/null" "$s"
        else
            trap : "$s"
        fi
    done
}

wait_for() {
    # wait survives trapped signals: loop until the child is really gone, keep its status
    child=$1; st=0
    while kill -0 "$child" 2>/dev/null; do wait "$child"; st=$?; done
    # a wait cut short by a signal reports 128+n; the shell still holds the child's real status
    wait "$child" 2>/dev/null; last=$?
    [ "$last" = 127 ] || st=$last
    return "$st"
}

write_marker() {
    # $1 marker path, $2 status; temp + rename so a reader never sees half a number
    [ -n "$1" ] || return 0
    printf '%s\n' "$2" > "$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"
}

port_of() { [ -s "$1/dmtcp.port" ] && cat "$1/dmtcp.port"; }

start_coordinator() {
    # $1 run dir, $2 ckpt dir, $3 interval (may be empty). One coordinator per job, port chosen by the kernel.
    rm -f "$1/dmtcp.port"
    "$dmtcp_coordinator" --daemon --exit-on-last -p 0 --port-file "$1/dmtcp.port" --ckptdir "$2" \
        ${3:+-i "$3"} --coord-logfile "$1/dmtcp_coordinator.log" >>"$1/dmtcp_coordinator.out" 2>&1 \
        || die 4 "dmtcp_coordinator did not start; see $1/dmtcp_coordinator.out"
    n=0
    while [ ! -s "$1/dmtcp.port" ]; do
        n=$((n + 1)); [ "$n" -le 300 ] || die 4 "dmtcp_coordinator wrote no port file within 30 s"
        sleep 0.1
    done
    DMTCP_COORD_HOST=127.0.0.1; DMTCP_COORD_PORT=$(cat "$1/dmtcp.port")
    export DMTCP_COORD_HOST DMTCP_COORD_PORT
}

coordinator_alive() {
    "$dmtcp_command" -h 127.0.0.1 -p "$1" -s >/dev/null 2>&1
}

finish_dmtcp() {
    # the computation may be reparented away from the shim (dmtcp_restart), so wait for the
    # coordinator (--exit-on-last) to go, then report the application's status from the marker
    port=$1; marker=$2; st=$3
    while coordinator_alive "$port"; do sleep 1; done
    if [ -n "$marker" ] && [ -s "$marker" ]; then exit "$(cat "$marker")"; fi
    exit "$st"
}

parse_common() {
    run_dir=; ckpt_dir=; images=; interval=; marker=; engine=
    while [ $# -gt 0 ]; do
        case $1 in
            --run-dir) run_dir=$2; shift 2 ;;
            --ckpt-dir) ckpt_dir=$2; shift 2 ;;
            --images) images=$2; shift 2 ;;
            --interval) interval=$2; shift 2 ;;
            --marker) marker=$2; shift 2 ;;
            --engine) engine=$2; shift 2 ;;
            --) shift; break ;;
            *) die 2 "unknown option $1" ;;
        esac
    done
    rest_count=$#
}

verb=$1
[ -n "$verb" ] || die 2 "usage: crflow-shim.sh check|exec|dmtcp-launch|dmtcp-restart|dmtcp-checkpoint|dmtcp-status|dmtcp-quit ..."
shift

case $verb in
check)
    parse_common "$@"
    missing=
    printf 'shim.version=%s\n' "$SHIM_VERSION"
    printf 'sh=%s\n' "$(command -v sh 2>/dev/null || echo /bin/sh)"
    if p=$(command -v bash 2>/dev/null); then printf 'bash=%s\n' "$p"; else printf 'bash=missing\n'; missing="$missing bash"; fi
    if [ "$engine" = dmtcp ]; then
        for t in dmtcp_launch dmtcp_restart dmtcp_command dmtcp_coordinator; do
            if p=$(find_tool "$t"); then printf '%s=%s\n' "$t" "$p"; else printf '%s=missing\n' "$t"; missing="$missing $t"; fi
        done
        if p=$(find_tool dmtcp_launch); then
            printf 'dmtcp.version=%s\n' "$("$p" --version 2>/dev/null | head -n 1)"
        fi
    fi
    if [ "$engine" = criu ]; then
        if p=$(command -v criu 2>/dev/null); then printf 'criu=%s\n' "$p"; else printf 'criu=missing\n'; missing="$missing criu"; fi
    fi
    printf 'missing=%s\n' "${missing# }"
    if [ -n "$missing" ]; then printf 'ok=no\n'; exit 3; fi
    printf 'ok=yes\n'
    exit 0
    ;;
exec)
    parse_common "$@"; shift $(($# - rest_count))
    [ $# -gt 0 ] || die 2 "exec: nothing to run"
    install_forwarding
    (
        for s in $signals; do trap - "$s"; done
        "$@"
    ) &
    child=$!
    wait_for "$child"; st=$?
    write_marker "$marker" "$st"
    exit "$st"
    ;;
dmtcp-launch)
    parse_common "$@"; shift $(($# - rest_count))
    [ -n "$run_dir" ] && [ -n "$ckpt_dir" ] || die 2 "dmtcp-launch needs --run-dir and --ckpt-dir"
    [ $# -gt 0 ] || die 2 "dmtcp-launch: nothing to run"
    need_dmtcp
    mkdir -p "$run_dir" "$ckpt_dir"
    start_coordinator "$run_dir" "$ckpt_dir" "$interval"
    install_forwarding
    # the completion marker is written by a shim 'exec' INSIDE the checkpointed tree: a restored
    # computation writes it when it really ends, and DMTCP's exit 0 on quit never looks like completion
    if [ -n "$marker" ]; then set -- /bin/sh "$0" exec --marker "$marker" -- "$@"; fi
    # never exec: dmtcp_launch must not be PID 1 (it reads its parent's /proc entry)
    "$dmtcp_launch" -j --no-gzip --ckptdir "$ckpt_dir" "$@" &
    child=$!
    wait_for "$child"; st=$?
    finish_dmtcp "$DMTCP_COORD_PORT" "$marker" "$st"
    ;;
dmtcp-restart)
    parse_common "$@"
    [ -n "$run_dir" ] && [ -n "$ckpt_dir" ] && [ -n "$images" ] || die 2 "dmtcp-restart needs --run-dir, --ckpt-dir and --images"
    need_dmtcp
    set -- "$images"/*.dmtcp
    [ -e "$1" ] || die 2 "no DMTCP images (*.dmtcp) in $images"
    mkdir -p "$run_dir" "$ckpt_dir"
    start_coordinator "$run_dir" "$ckpt_dir" "$interval"
    install_forwarding
    "$dmtcp_restart" -j --ckptdir "$ckpt_dir" "$@" &
    child=$!
    wait_for "$child"; st=$?
    finish_dmtcp "$DMTCP_COORD_PORT" "$marker" "$st"
    ;;
dmtcp-checkpoint|dmtcp-status|dmtcp-quit)
    parse_common "$@"
    [ -n "$run_dir" ] || die 2 "$verb needs --run-dir"
    need_dmtcp
    port=$(port_of "$run_dir") || die 4 "no DMTCP coordinator port file in $run_dir"
    case $verb in
        dmtcp-checkpoint)
            out=$("$dmtcp_command" -h 127.0.0.1 -p "$port" --bcheckpoint 2>&1); st=$?
            printf '%s\n' "$out"
            [ "$st" = 0 ] || { [ "$st" = 2 ] && exit 4; exit 5; }
            ;;
        dmtcp-status) "$dmtcp_command" -h 127.0.0.1 -p "$port" -s 2>&1; st=$?; [ "$st" = 2 ] && exit 4; exit "$st" ;;
        dmtcp-quit) "$dmtcp_command" -h 127.0.0.1 -p "$port" --quit 2>&1; st=$?; [ "$st" = 2 ] && exit 4; exit "$st" ;;
    esac
    exit 0
    ;;
*)
    die 2 "unknown verb '$verb'"
    ;;
esac
