#!/usr/bin/env bash
# Runs the import benchmarks quoted in docs/performance.md. Everything talks to 127.0.0.1 only.
# The server ships as a Native AOT binary, so the benchmark is published the same way (about 2 minutes);
# pass --jit to run the framework-dependent build instead.
#   1. CPU per phase (read, map, validate, pack, serialize) over 100,000 CSV rows
#   2. 100,000 and 1,000,000 rows against a stub that answers 202 at once (client pacing off): CPU, wall, peak memory
#   3. 100,000 and 200,000 rows against a stub that enforces 10/s and 150/min with 429s: 429s received, wall time
#      (minimum those limits allow: 100 jobs 9 s, 200 jobs 64 s)
#   4. the stdio server as clients run it: cold start, call overhead, memory (AOT and JIT); start-up page faults, time and
#      idle memory against an empty Native AOT MCP server (docs/performance-startup.md)
#   5. serve over HTTP with 64 clients: one replica against an empty ModelContextProtocol.AspNetCore server in the same run
#      (a trivial call, a call to Klaviyo, a 3 KB result), and three with and without Redis (needs redis-server)
set -euo pipefail
cd "$(dirname "$0")/.."
folder=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$folder"' EXIT
if [ "${1:-}" = "--jit" ]; then
  dotnet build benchmarks/Klaviyo.Mcp.Benchmarks -c Release -warnaserror -v q >/dev/null
  bench="dotnet benchmarks/Klaviyo.Mcp.Benchmarks/bin/Release/net10.0/Klaviyo.Mcp.Benchmarks.dll"
else
  dotnet publish benchmarks/Klaviyo.Mcp.Benchmarks -c Release -r linux-x64 -p:PublishAot=true -o "$folder/bin" -v q >/dev/null
  bench="$folder/bin/Klaviyo.Mcp.Benchmarks"
fi

start_stub() {
  local log="$folder/stub-$1.log"
  $bench stub $2 > "$log" &
  for _ in $(seq 50); do grep -q listening "$log" 2>/dev/null && break; sleep 0.1; done
  sed -n 's/^listening //p' "$log"
}

fast=$(start_stub fast "")
$bench import --rows 100000 --stub "$fast" --folder "$folder" --no-client-limit >/dev/null   # writes the CSV
echo "# CPU per phase, 100,000 rows"
$bench phases --file "$folder/events-100000.csv"
echo "# stub answering 202 at once"
for rows in 100000 1000000; do $bench import --rows "$rows" --stub "$fast" --folder "$folder" --no-client-limit; done

echo "# stub enforcing 10/s and 150/min with 429s (a fresh stub per run: two runs would share its quota)"
for rows in 100000 200000; do
  limited=$(start_stub "limited-$rows" --limited)
  $bench import --rows "$rows" --stub "$limited" --folder "$folder"
done

echo "# import_profiles: 100,000 and 1,000,000 rows, stub answering 202 at once; then 1,000,000 rows (100 jobs) against 10/s and 150/min"
for rows in 100000 1000000; do $bench profiles --rows "$rows" --stub "$fast" --folder "$folder" --no-client-limit; done
limited=$(start_stub limited-profiles --limited)
$bench profiles --rows 1000000 --stub "$limited" --folder "$folder"

# The server as clients run it (a child process over stdio): cold start, tool-call overhead, peak memory.
echo "# server: Native AOT executable, then dotnet Klaviyo.Mcp.dll"
dotnet publish src/Klaviyo.Mcp -c Release -r linux-x64 -o "$folder/server" -v q >/dev/null
dotnet build src/Klaviyo.Mcp -c Release -v q >/dev/null
$bench server --server "$folder/server/Klaviyo.Mcp" --stub "$fast"
$bench server --server "$PWD/src/Klaviyo.Mcp/bin/Release/net10.0/Klaviyo.Mcp.dll" --stub "$fast"

# The floor: an empty Native AOT MCP server with one echo tool, over stdio and (a second build) over Streamable HTTP.
echo "# start-up against an empty Native AOT MCP server (same run); page faults and memory of --version"
dotnet publish benchmarks/Klaviyo.Mcp.EmptyServer -c Release -r linux-x64 -o "$folder/empty" -v q >/dev/null
dotnet publish benchmarks/Klaviyo.Mcp.EmptyServer -c Release -r linux-x64 -o "$folder/empty-http" -p:EmptyServerHttp=true \
  -p:IntermediateOutputPath=obj/http/ -p:OutputPath=bin/http/ -v q >/dev/null
$bench startup --server "$folder/server/Klaviyo.Mcp" --baseline "$folder/empty/Klaviyo.Mcp.EmptyServer"
/usr/bin/time -f '{"command":"--version","minor_page_faults":%R,"max_rss_kb":%M}' "$folder/server/Klaviyo.Mcp" --version >/dev/null

# serve over Streamable HTTP (the Native AOT executable): 64 concurrent SDK clients, each with its own key, against the
# stub that answers at once. One replica at full speed (requests a second, latency, memory); then every client paced at
# one call per 50 ms (20 a second per account, under every limit), on one replica, on three counting in process, and on
# three sharing a private Redis: the difference between the last two is what the Redis limiter adds to a request.
echo "# serve: Native AOT, 64 clients"
redis_port=$((20000 + RANDOM % 40000))
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$folder" > "$folder/redis.log" 2>&1 &
for _ in $(seq 50); do redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
# Against the empty server (one echo tool), each in the same run: the trivial call (create_event refused by its
# validator: every layer runs, nothing is sent), a call that sends to Klaviyo (create_event), a 3 KB result.
for tool in rejected "" describe; do
  $bench http --server "$folder/server/Klaviyo.Mcp" --stub "$fast" --replicas 1 --clients 64 --seconds 10 \
    --baseline "$folder/empty-http/Klaviyo.Mcp.EmptyServer" ${tool:+--tool "$tool"}
done
$bench http --server "$folder/server/Klaviyo.Mcp" --stub "$fast" --replicas 1 --clients 64 --seconds 10 --pace-ms 50
$bench http --server "$folder/server/Klaviyo.Mcp" --stub "$fast" --replicas 3 --clients 64 --seconds 10 --pace-ms 50
$bench http --server "$folder/server/Klaviyo.Mcp" --stub "$fast" --replicas 3 --clients 64 --seconds 10 --pace-ms 50 --redis "127.0.0.1:$redis_port"
$bench limiter --redis "127.0.0.1:$redis_port"
