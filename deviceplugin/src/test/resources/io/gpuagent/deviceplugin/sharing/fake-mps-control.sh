#!/bin/sh
# A fake nvidia-cuda-mps-control for tests. With -d it starts a stand-in daemon (a sleep) and
# records its pid and CUDA_VISIBLE_DEVICES in the pipe directory, then returns, as -d does.
# Without arguments it reads one command from stdin: get_server_list succeeds while the stand-in
# lives, quit ends it. FAKE_MPS_FAIL in the pipe directory makes every call exit 1.
dir="$CUDA_MPS_PIPE_DIRECTORY"
[ -e "$dir/FAKE_MPS_FAIL" ] && exit 1
if [ "$1" = "-d" ]; then
  echo "$CUDA_VISIBLE_DEVICES $CUDA_MPS_LOG_DIRECTORY" > "$dir/started-with"
  sleep 600 </dev/null >/dev/null 2>&1 &
  echo $! > "$dir/fake.pid"
  exit 0
fi
read -r command
pid=$(cat "$dir/fake.pid" 2>/dev/null) || exit 1
kill -0 "$pid" 2>/dev/null || exit 1
case "$command" in
  get_server_list) exit 0 ;;
  quit) kill "$pid"; rm -f "$dir/fake.pid"; exit 0 ;;
esac
exit 2
