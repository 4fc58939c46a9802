// cloud-init of a sandbox VM (POSIX sh body; the launcher sets CLOUD_DIR).
// Kept as text because it runs as its own program inside the VM (launched from the VM's bin folder);
// the VM tests run it through SSH and directly.
export const CLOUD_INIT_TOOL_SH = String.raw`# cloud-init of a sandbox VM: the user data was recorded when the VM was created and nothing was
# installed, so every run reports done.
usage() {
  echo "usage: cloud-init [-h] [--version] {status,query} ..." >&2
  [ -n "$1" ] && echo "cloud-init: error: $1" >&2
  exit 2
}
[ $# -gt 0 ] || usage "the following arguments are required: subcommand"
cmd=$1
shift
case $cmd in
--version | -v)
  echo "/usr/bin/cloud-init 25.1.4"
  ;;
status)
  wait= long= format=tabular
  while [ $# -gt 0 ]; do
    case $1 in
    -w | --wait) wait=1 ;;
    -l | --long) long=1 ;;
    --format) shift; format=$1 ;;
    --format=*) format=$(printf "%s" "$1" | sed "s/^--format=//") ;;
    *) usage "unrecognized arguments: $1" ;;
    esac
    shift
  done
  last_update=$(cat "$CLOUD_DIR/last-update")
  case $format in
  tabular)
    [ -n "$wait" ] && echo
    echo "status: done"
    if [ -n "$long" ]; then
      echo "extended_status: done"
      echo "boot_status_code: enabled-by-generator"
      echo "last_update: $last_update"
      echo "detail: DataSourceAzure [seed=/dev/sr0]"
      echo "errors: []"
      echo "recoverable_errors: {}"
    fi
    ;;
  json)
    printf '{\n  "boot_status_code": "enabled-by-generator",\n  "datasource": "azure",\n  "detail": "DataSourceAzure [seed=/dev/sr0]",\n  "errors": [],\n  "extended_status": "done",\n  "last_update": "%s",\n  "recoverable_errors": {},\n  "status": "done"\n}\n' "$last_update"
    ;;
  yaml)
    printf 'boot_status_code: enabled-by-generator\ndatasource: azure\ndetail: DataSourceAzure [seed=/dev/sr0]\nerrors: []\nextended_status: done\nlast_update: %s\nrecoverable_errors: {}\nstatus: done\n' "$last_update"
    ;;
  *) usage "argument --format: invalid choice: '$format' (choose from 'json', 'tabular', 'yaml')" ;;
  esac
  ;;
query)
  case $1 in
  userdata) cat "$CLOUD_DIR/user-data" ;;
  *)
    echo "cloud-init query: only 'userdata' is emulated in a sandbox VM" >&2
    exit 1
    ;;
  esac
  ;;
*) usage "argument subcommand: invalid choice: '$cmd' (the sandbox VM emulates 'status' and 'query userdata')" ;;
esac
`;
