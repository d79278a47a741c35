# Sourced by the Redis benchmarks: installs redis-server if missing, starts one on 127.0.0.1 at a free port
# without persistence, in a fresh directory, and stops exactly that process (by its pid) when the script
# exits. Sets `directory`, `port` and `pid`.
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
directory=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$port" --dir "$directory" --save '' --appendonly no --daemonize no \
    --loglevel warning >"$directory/log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$directory"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
