#!/usr/bin/env bash
# The API benchmark: gunicorn (4 sync workers, DEBUG off) on loopback, wrk with a token.
# Seed first (bench/api/seed.py). Usage:
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tanggap_api_bench bench/api/run.sh
# Prints wrk's latency distribution (p50/p90/p99) for each URL.
# Each URL is first loaded unmeasured for WRK_WARMUP (default 5s): a fresh gunicorn worker
# spends its first request importing the URLconf (~170 ms) and runs its first full garbage
# collection (~110 ms) within its first couple of hundred requests; without the warm-up
# these one-off stalls land in the first URL's p99. WRK_WARMUP=0 measures them.
# gunicorn runs with the production settings, config/gunicorn.py (app loaded and warmed in
# the master, start-up heap frozen before forking), which removes most of them;
# GUNICORN_CONF=/dev/null measures plain gunicorn.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DATABASE_URL:?set DATABASE_URL to the seeded PostgreSQL database}"
PORT=${PORT:-8111}
TOKEN=${TOKEN:-bench000000000000000000000000000000000ab}
THREADS=${WRK_THREADS:-4}
CONNECTIONS=${WRK_CONNECTIONS:-16}
DURATION=${WRK_DURATION:-20s}
WARMUP=${WRK_WARMUP:-5s}
export DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-only-secret-key \
  DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false \
  TRIAGE_API_RATE=10000000/minute LOG_LEVEL=WARNING DATABASE_URL
.venv/bin/gunicorn config.wsgi -c "${GUNICORN_CONF:-config/gunicorn.py}" --workers 4 --worker-class sync --bind "127.0.0.1:$PORT" \
  --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf -o /dev/null -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT/api/v1/products/" && break
  sleep 0.2
done
DETAIL_ID=$(curl -sf -H "Authorization: Token $TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/clusters/?page_size=1" | .venv/bin/python -c \
  'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')
for url in \
  "/api/v1/clusters/" \
  "/api/v1/clusters/?ordering=-last_seen&severity=critical" \
  "/api/v1/clusters/?forwarded=true&ordering=updated_at" \
  "/api/v1/clusters/$DETAIL_ID/"; do
  echo "== GET $url (page of 50, $CONNECTIONS connections, $DURATION after $WARMUP warm-up)"
  uptime
  curl -s -o /dev/null -w "status %{http_code}, %{size_download} bytes\n" \
    -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT$url"
  if [ "$WARMUP" != 0 ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" \
      -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT$url" >/dev/null
  fi
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT$url" \
    | grep -E "Latency  |50%|90%|99%|Requests/sec|Non-2xx|Socket errors"
done
