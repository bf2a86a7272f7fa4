# Sourced (POSIX sh) before each README step that deploy/check/fresh-debian runs in its
# chroot: the few commands a chroot without systemd or a public name cannot run, as
# shell functions of the same name doing the same job by hand. Nothing else in the
# README's commands is changed. The substitutions, all of them:
#
#   certbot certonly -d NAME ...  a self-signed certificate for NAME (openssl), written
#                                 where certbot writes its own (/etc/letsencrypt/live/NAME/)
#                                 and added to the chroot's CAs, as a public CA is trusted
#   systemctl daemon-reload       nothing
#   systemctl enable --now X.service
#   systemctl start|restart X.service
#                                 the unit's ExecStartPre= and ExecStart= lines run by hand
#                                 as its User=/Group=, in its WorkingDirectory=, with its
#                                 Environment=, EnvironmentFile= and UMask=; for
#                                 Type=notify, waits (90 s, systemd's default) for
#                                 READY=1 on $NOTIFY_SOCKET as systemd does
#   systemctl enable X.timer      nothing (the check runs each timer's service once itself)
#   systemctl reload nginx        nginx -s reload, or starts nginx as Debian's unit does
#                                 when it is not running (its postinst would have)
#   systemctl reload X.service    SIGHUP to the unit's main process (its ExecReload=)
#   journalctl -u X -n N          the last N lines of the unit's output file
#   start_postgresql, start_redis Debian's commands for the packages' servers
#                                 (pg_ctlcluster, redis-server), which the packages'
#                                 postinst starts on a real server

#   apt-get                       (a script, deploy/check/apt-get-shim, first in PATH:
#                                 dash allows no '-' in a function's name) a step is run
#                                 twice: APT_PASS=download adds --download-only (host's
#                                 network), APT_PASS=install skips `update` and adds
#                                 --no-download (isolated network)

SHIM_STATE=/run/exchange-check
SHIM_LOGS=/var/log/exchange-check
export PATH="/root/fresh-check/bin:$PATH"
SHIM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

certbot() {
    _name=""
    while [ $# -gt 0 ]; do
        case "$1" in
            -d | --domain | --domains) _name="$2"; shift 2 ;;
            *) shift ;;
        esac
    done
    [ -n "$_name" ] || { echo "certbot shim: no -d NAME" >&2; return 2; }
    install -d -m 0700 /etc/letsencrypt/live "/etc/letsencrypt/live/$_name"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$_name" \
        -addext "subjectAltName=DNS:$_name" \
        -keyout "/etc/letsencrypt/live/$_name/privkey.pem" \
        -out "/etc/letsencrypt/live/$_name/fullchain.pem" 2>&1
    # Trusted on this machine as a public CA's certificate would be (curl in step 10).
    cp "/etc/letsencrypt/live/$_name/fullchain.pem" "/usr/local/share/ca-certificates/exchange-check-$_name.crt"
    update-ca-certificates >/dev/null
    echo "certbot shim: self-signed certificate for $_name in /etc/letsencrypt/live/$_name/, trusted locally"
}

journalctl() {
    _unit="" _lines=10
    while [ $# -gt 0 ]; do
        case "$1" in
            -u) _unit="${2%.service}"; shift 2 ;;
            -n) _lines="$2"; shift 2 ;;
            *) shift ;;
        esac
    done
    tail -n "$_lines" "$SHIM_LOGS/$_unit.log"
}

systemctl() {
    _verb="$1"
    shift
    case "$_verb" in
        daemon-reload) return 0 ;;
        enable)
            _now=no
            [ "${1:-}" = --now ] && { _now=yes; shift; }
            for _unit in "$@"; do
                case "$_unit" in
                    *.timer) echo "systemctl shim: $_unit enabled (its service is run once by the check)" ;;
                    *) [ "$_now" = yes ] && { start_unit "$_unit" || return 1; } ;;
                esac
            done
            ;;
        start | restart)
            for _unit in "$@"; do
                case "$_unit" in
                    nginx | nginx.service) reload_nginx || return 1 ;;
                    *) start_unit "$_unit" || return 1 ;;
                esac
            done
            ;;
        reload)
            for _unit in "$@"; do
                case "$_unit" in
                    nginx | nginx.service) reload_nginx || return 1 ;;
                    *) kill -HUP "$(cat "$SHIM_STATE/${_unit%.service}.pid")" || return 1 ;;
                esac
            done
            ;;
        *) echo "systemctl shim: '$_verb' is not emulated" >&2; return 1 ;;
    esac
}

reload_nginx() {
    if [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
        nginx -g 'daemon on; master_process on;' -s reload
    else
        # Debian's nginx.service: ExecStartPre (-t) and ExecStart.
        nginx -t -q -g 'daemon on; master_process on;' && nginx -g 'daemon on; master_process on;'
    fi
}

start_postgresql() {
    for _version in $(ls /etc/postgresql); do
        pg_ctlcluster "$_version" main start || return 1
    done
    pg_lsclusters
}

start_redis() {
    # Debian's redis-server.service: RuntimeDirectory=redis, User=redis, this command.
    install -d -o redis -g redis -m 2755 /run/redis
    runuser -u redis -- /usr/bin/redis-server /etc/redis/redis.conf --daemonize yes \
        --supervised no && sleep 1 && redis-cli ping
}

# unit_values KEY UNIT: every value of KEY= in the unit's [Service] section, one a line.
unit_values() {
    awk -v key="$1" '
        /^\[/ { section = $0; next }
        section == "[Service]" && index($0, key "=") == 1 { print substr($0, length(key) + 2) }
    ' "/etc/systemd/system/$2"
}

# unit_script UNIT EXEC_LINE: a script running one Exec line as systemd would.
unit_script() {
    _file="$SHIM_STATE/$1.$(date +%s%N).sh"
    _line="$(printf '%s' "$2" | sed 's/%%/%/g; s/^[-@:+!]*//')"
    _user="$(unit_values User "$1")"
    _home="$(getent passwd "${_user:-root}" | cut -d: -f6)"
    {
        echo "cd '$(unit_values WorkingDirectory "$1" | sed 's/^-//')' || exit 200"
        _umask="$(unit_values UMask "$1")"
        echo "umask ${_umask:-0022}"
        echo "export HOME='$_home' USER='${_user:-root}' LOGNAME='${_user:-root}' PATH='$SHIM_PATH'"
        unit_values Environment "$1" | sed 's/^/export /'
        unit_values EnvironmentFile "$1" | while read -r _envfile; do
            case "$_envfile" in
                -*) echo "[ ! -r '${_envfile#-}' ] || { set -a; . '${_envfile#-}'; set +a; }" ;;
                *) echo "set -a; . '$_envfile' || exit 200; set +a" ;;
            esac
        done
        echo "exec $_line"
    } >"$_file"
    chmod 0644 "$_file"
    echo "$_file"
}

# unit_run UNIT EXEC_LINE: run it in the foreground as the unit's user.
unit_run() {
    _script="$(unit_script "$1" "$2")"
    _user="$(unit_values User "$1")"
    _group="$(unit_values Group "$1")"
    echo "unit $1 runs: $2"
    runuser -u "${_user:-root}" -g "${_group:-${_user:-root}}" -- env -i /bin/sh "$_script"
    _status=$?
    case "$2" in -*) return 0 ;; esac
    return $_status
}

start_unit() {
    _unit="${1%.service}.service"
    install -d -m 0755 "$SHIM_STATE" "$SHIM_LOGS"
    unit_values ExecStartPre "$_unit" | while read -r _exec; do
        unit_run "$_unit" "$_exec" || exit 1
    done || return 1
    _exec="$(unit_values ExecStart "$_unit")"
    _script="$(unit_script "$_unit" "$_exec")"
    _user="$(unit_values User "$_unit")"
    _group="$(unit_values Group "$_unit")"
    _log="$SHIM_LOGS/${_unit%.service}.log"
    _notify=""
    if [ "$(unit_values Type "$_unit")" = notify ]; then
        _notify="$SHIM_STATE/${_unit%.service}.notify"
        rm -f "$_notify" "$_notify.ready"
        # systemd's side of sd_notify: a datagram socket, waiting for READY=1.
        python3 - "$_notify" >"$_notify.ready" 2>&1 <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777); s.settimeout(90)
while True:
    message = s.recv(4096).decode()
    if "READY=1" in message.split("\n"):
        print("READY=1"); break
EOF
        _listener=$!
        for _i in 1 2 3 4 5 6 7 8 9 10; do [ -S "$_notify" ] && break; sleep 0.2; done
    fi
    echo "unit $_unit starts: $_exec (output: $_log)"
    setsid runuser -u "${_user:-root}" -g "${_group:-${_user:-root}}" -- \
        env -i ${_notify:+NOTIFY_SOCKET=$_notify} /bin/sh "$_script" \
        >>"$_log" 2>&1 </dev/null &
    _main=$!
    if [ -n "$_notify" ]; then
        wait "$_listener"
        if [ "$(cat "$_notify.ready")" != READY=1 ]; then
            echo "unit $_unit: no READY=1 within 90 s; its output:" >&2
            tail -n 30 "$_log" >&2
            return 1
        fi
        echo "unit $_unit: READY=1 received"
    else
        sleep 2
    fi
    kill -0 "$_main" 2>/dev/null || { tail -n 30 "$_log" >&2; return 1; }
    # systemd's MAINPID: what runuser started (runuser itself waits for it).
    pgrep -P "$_main" >"$SHIM_STATE/${_unit%.service}.pid"
}

# run_unit_once UNIT: a Type=oneshot unit's ExecStartPre, ExecStart and ExecStartPost.
run_unit_once() {
    _unit="${1%.service}.service"
    install -d -m 0755 "$SHIM_STATE" "$SHIM_LOGS"
    for _key in ExecStartPre ExecStart ExecStartPost; do
        unit_values "$_key" "$_unit" | while read -r _exec; do
            unit_run "$_unit" "$_exec" || exit 1
        done || return 1
    done
}

versions() {
    echo "debian $(cat /etc/debian_version)"
    echo "postgresql $(ls /usr/lib/postgresql/*/bin/postgres | head -n1 | xargs -I{} sh -c '{} --version')"
    echo "redis $(redis-server --version)"
    echo "nginx $(nginx -v 2>&1)"
    echo "python $(/opt/exchange/venv/bin/python --version 2>&1)"
    echo "gunicorn $(/opt/exchange/venv/bin/gunicorn --version 2>&1)"
    echo "openssl $(openssl version)"
    echo "regional-exchange $(/opt/exchange/venv/bin/pip show regional-exchange 2>/dev/null | sed -n 's/^Version: //p')"
}
