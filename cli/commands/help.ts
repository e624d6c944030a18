// `mc help` and `mc --help`: the usage, under the name mc was started as
// (`mc` or `mc-compose`).

export function helpText(name: string): string {
  return `${name} — one compose file in, a streaming AI service out

Usage: ${name} [-f FILE]... COMMAND [OPTIONS]

Commands:
  up [-d]                      start the controller, Web UI and managed servers (-d: in the background;
                               when it already runs, prints where and does nothing)
  ps                           whether the background mc runs: its pid, uptime and URLs
  logs [-f]                    print the background mc's log (.mc/mc.log); -f: follow it until Ctrl-C
  stop / start                 stop the background mc, or start it again with the same options (files re-read)
  restart                      stop and start the background mc: picks up edits to the compose files
  down                         stop the background mc and forget its options
  run [FILE.yml] [WORKFLOW]    run one workflow once and exit; streams print as they arrive
      -i, --input JSON         the workflow's input: inline JSON, @FILE to read it from a file, - for stdin
      -o, --output FILE        write the output to FILE instead of stdout
      --auto-resume            go on at a job's interrupt without asking (else: asks on the terminal)
  validate                     load and check the compose file(s): prints "ok" or the error
  help                         this help

Every command finds the project from any sub-folder
(the nearest folder above with a compose file); -f names it otherwise.
The background mc keeps its pid and log in .mc/ beside the compose file
(with a .gitignore, so git leaves it out).

Options:
  -f, --file FILE              compose file (repeat to merge; default: model-compose.yml, compose.yml, ...)
      --env-file FILE          read KEY=VALUE lines (repeat; later files win; then no .env is read)
  -e, --env KEY=VALUE          set an environment variable (wins over --env-file)
  -v, --verbose                debug logs (a line per job) and stack traces
      --version                print the version
  -h, --help                   this help
`
}
