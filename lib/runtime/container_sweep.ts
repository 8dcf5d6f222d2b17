/**
 * Stopping what a command started inside a container, as shell code the
 * container's shells run with builtins only, so it still works when the pids
 * limit is exhausted: the sweep a timeout runs through the controller shell,
 * and the guard the session's shell runs around each command against a
 * command that fills the pids limit.
 *
 * @module
 */

/**
 * The sweep of `process_tree.ts` inside a container, as a POSIX shell function that uses only
 * builtins, so it still runs when the pids limit is exhausted (a fork bomb).
 * `__pygent_kill SHELL_PID ELAPSED_CENTISECONDS [LAST_PID [orphans]]` kills the
 * command's processes (pids above LAST_PID, or else those started in the last
 * ELAPSED_CENTISECONDS) and, without LAST_PID or with `orphans`, every orphaned
 * shell whenever it started (a fork bomb's subshells, some stuck in a fork
 * since an earlier command), sparing init, the container's keep-alive process (init's first child),
 * exec'd processes (the shells: their parent is outside the container) and
 * the shell; `__pygent_killed` says how many it killed. `__pygent_oom` prints
 * the memory cgroup's count of out-of-memory kills. `__pygent_freeze` stops
 * every process but init and the controller itself (`kill -STOP -1`, again
 * until a pass over every process finds none running: a child forked
 * meanwhile, one that another continued); `__pygent_thaw` lets them all go on.
 */
export const CONTAINER_KILL_FUNCTION = `
__pygent_stat() {
  { read -r __pygent_st < "$1/stat"; } 2>/dev/null || return 1
  __pygent_comm=\${__pygent_st#*(}
  __pygent_comm=\${__pygent_comm%)*}
  set -- \${__pygent_st##*) }
  [ "$#" -ge 20 ] || return 1
  __pygent_state=$1
  __pygent_ppid=$2
  shift 19
  __pygent_start=$1
}
__pygent_main=
for __pygent_d in /proc/[0-9]*; do
  __pygent_stat "$__pygent_d" || continue
  __pygent_p=\${__pygent_d#/proc/}
  [ "$__pygent_ppid" = 1 ] || continue
  [ -z "$__pygent_main" ] || [ "$__pygent_p" -lt "$__pygent_main" ] && __pygent_main=$__pygent_p
done
__pygent_kill() {
  __pygent_shell=$1 __pygent_back=$2 __pygent_after=$3 __pygent_orphans=\${4-} __pygent_n=0
  __pygent_killed=0
  while [ "$__pygent_n" -lt 20 ]; do
    read -r __pygent_up __pygent_x < /proc/uptime
    __pygent_since=$(( \${__pygent_up%.*}\${__pygent_up#*.} - __pygent_back - 2 ))
    __pygent_found=
    for __pygent_d in /proc/[0-9]*; do
      __pygent_p=\${__pygent_d#/proc/}
      case " 1 $$ $__pygent_main $__pygent_shell " in *" $__pygent_p "*) continue ;; esac
      __pygent_stat "$__pygent_d" || continue
      # Exec'd processes (parent outside the container) stay; zombies are dead already.
      [ "$__pygent_ppid" = 0 ] || [ "$__pygent_state" = Z ] && continue
      # The command's processes are those newer than the last pid before it (or, without
      # that figure, those started since). Orphaned shells (a fork bomb's subshells, adopted
      # by init) go whenever they started; other orphans (nohup'd servers) do not.
      if [ -n "$__pygent_after" ]; then
        [ "$__pygent_p" -gt "$__pygent_after" ] && __pygent_new=1 || __pygent_new=
      else
        [ "$__pygent_start" -ge "$__pygent_since" ] && __pygent_new=1 || __pygent_new=
      fi
      if [ -z "$__pygent_new" ]; then
        [ -n "$__pygent_orphans" ] || [ -z "$__pygent_after" ] || continue
        [ "$__pygent_ppid" = 1 ] || continue
        case "$__pygent_comm" in bash|sh|dash|ash|zsh|busybox) ;; *) continue ;; esac
      fi
      kill -STOP "$__pygent_p" 2>/dev/null || continue
      __pygent_found="$__pygent_found $__pygent_p"
      __pygent_killed=$((__pygent_killed + 1))
    done
    [ -z "$__pygent_found" ] && return 0
    kill -KILL $__pygent_found 2>/dev/null
    __pygent_n=$((__pygent_n + 1))
  done
}
__pygent_oom() {
  for __pygent_f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do
    [ -r "$__pygent_f" ] || continue
    while read -r __pygent_k __pygent_v; do
      [ "$__pygent_k" = oom_kill ] && { printf '%s' "$__pygent_v"; return 0; }
    done < "$__pygent_f"
  done
  printf unknown
}
__pygent_freeze() {
  __pygent_n=0
  while [ "$__pygent_n" -lt 50 ]; do
    kill -STOP -1 2>/dev/null
    __pygent_running=
    for __pygent_d in /proc/[0-9]*; do
      __pygent_p=\${__pygent_d#/proc/}
      case " 1 $$ " in *" $__pygent_p "*) continue ;; esac
      __pygent_stat "$__pygent_d" || continue
      case "$__pygent_state" in T|t|Z|X) ;; *) __pygent_running=1 ;; esac
    done
    [ -z "$__pygent_running" ] && return 0
    __pygent_n=$((__pygent_n + 1))
  done
  return 1
}
__pygent_thaw() {
  kill -CONT -1 2>/dev/null
  return 0
}
`;

/**
 * The session shell's guard against a command that fills the container's pids
 * limit, such as a fork bomb that returns at once. `__pygent_guard AFTER_PID
 * settle` runs after every command; `__pygent_guard AFTER_PID` before one that
 * follows a command that left processes behind (`__pygent_left=1`). Each reads
 * the pids cgroup's count and, when it is within 1/32 of `pidsLimit` (at least
 * 2) and grew by an eighth of it (at least 4) since the last look, so that it
 * is not an older job's many threads that hold the limit, sweeps with
 * {@linkcode CONTAINER_KILL_FUNCTION} the processes newer than AFTER_PID and
 * every orphaned shell, setting `__pygent_swept` to how many it killed. When a command left processes behind, bash first waits while their
 * number grows or orphaned shells newer than AFTER_PID are about (until neither
 * for 40 ms, 1 s at most), so a bomb is caught as it fills the limit, not by
 * the next command (in sh, which has no `read -t`, by the next command). Background
 * jobs that leave room are not touched. Builtins
 * only: it must run when no process can start (the wait is `read -t` on the
 * shell's stdin, where nothing is written while a command runs). One read of
 * the cgroup per command: it is the hot path.
 *
 * @param pidsLimit The container's pids limit.
 */
export function containerPidsGuard(pidsLimit: number): string {
  const full = pidsLimit - Math.max(2, Math.floor(pidsLimit / 32));
  const grown = Math.max(4, Math.floor(pidsLimit / 8));
  // Without a readable pids cgroup the shell keeps its guard that does nothing.
  return `
__pygent_pidsf=
for __pygent_f in /sys/fs/cgroup/pids/pids.current /sys/fs/cgroup/pids.current; do
  [ -r "$__pygent_f" ] && { __pygent_pidsf=$__pygent_f; break; }
done
[ -n "$__pygent_pidsf" ] && read -r __pygent_count0 < "$__pygent_pidsf" && {
# True when a shell newer than pid $1 has been orphaned (adopted by init): a fork bomb's mark.
__pygent_orphaned() {
  for __pygent_d in /proc/[0-9]*; do
    __pygent_p=\${__pygent_d#/proc/}
    [ -n "$1" ] && [ "$__pygent_p" -gt "$1" ] || continue
    __pygent_stat "$__pygent_d" && [ "$__pygent_ppid" = 1 ] && [ "$__pygent_state" != Z ] || continue
    case "$__pygent_comm" in bash|sh|dash|ash|zsh|busybox) return 0 ;; esac
  done
  return 1
}
__pygent_guard() {
  __pygent_swept=0 __pygent_left=0
  read -r __pygent_count < "$__pygent_pidsf" || return 0
  __pygent_base=$__pygent_count0
  if [ -n "\${2-}" ] && [ "$__pygent_count" -gt "$__pygent_base" ]; then
    __pygent_left=1 __pygent_i=0 __pygent_quiet=0
    while [ -n "\${BASH_VERSION-}" ] && [ "$__pygent_count" -lt ${full} ] && [ "$__pygent_i" -lt 50 ] &&
      [ "$__pygent_quiet" -lt 2 ]; do
      __pygent_was=$__pygent_count __pygent_i=$((__pygent_i + 1))
      read -r -t 0.02 -u 0 __pygent_x
      read -r __pygent_count < "$__pygent_pidsf" || return 0
      # Still growing, or a bomb's orphaned subshells still about (a starved CPU slows them).
      if [ "$__pygent_count" -gt "$__pygent_was" ] || __pygent_orphaned "\${1-}"; then
        __pygent_quiet=0
      else
        __pygent_quiet=$((__pygent_quiet + 1))
      fi
    done
  fi
  __pygent_count0=$__pygent_count
  # Only a limit that processes started since the last look filled: not one that an older job
  # (a server with many threads: the cgroup counts threads) holds.
  [ "$__pygent_count" -ge ${full} ] && [ $((__pygent_count - __pygent_base)) -ge ${grown} ] ||
    return 0
  __pygent_kill $$ 0 "\${1-}" orphans
  __pygent_swept=$__pygent_killed
  read -r __pygent_count0 < "$__pygent_pidsf"
}
}
`;
}
