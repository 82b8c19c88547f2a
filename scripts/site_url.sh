# Sourced by scripts/run.sh after HOST and PORT are set: the e-mails' links (SITE_URL, README
# "Configuration") point at the server this run starts, unless SITE_URL is set already. A
# server listening on every address (0.0.0.0, ::) is reached here at 127.0.0.1; for other
# computers, set SITE_URL to the address they use.
if [ -z "${SITE_URL:-}" ]; then
  case "$HOST" in
    0.0.0.0 | :: | "[::]") site_host=127.0.0.1 ;;
    *:*) site_host="[${HOST#[}"; site_host="${site_host%]}]" ;; # an IPv6 address, bracketed
    *) site_host=$HOST ;;
  esac
  export SITE_URL="http://$site_host:$PORT"
  unset site_host
fi
