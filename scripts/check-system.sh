#!/usr/bin/env bash
# Checks the system libraries WeasyPrint needs (Pango, HarfBuzz, fontconfig, a font) and a Python
# with venv. Installs what is missing with apt-get when run as root on Debian/Ubuntu; otherwise
# prints the exact command to run and exits 1.
set -u
packages=()
has_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
has_lib 'libpango-1.0.so.0'        || packages+=(libpango-1.0-0)
has_lib 'libpangoft2-1.0.so.0'     || packages+=(libpangoft2-1.0-0)
has_lib 'libharfbuzz-subset.so.0'  || packages+=(libharfbuzz-subset0)
has_lib 'libfontconfig.so.1'       || packages+=(libfontconfig1)
{ command -v fc-list >/dev/null && [ -n "$(fc-list 2>/dev/null | head -1)" ]; } || packages+=(fonts-dejavu-core fontconfig)
python="${PYTHON:-python3}"
"$python" -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
command="apt-get install -y --no-install-recommends ${packages[*]}"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing system libraries for WeasyPrint: ${packages[*]}"
  { apt-get install -y -q --no-install-recommends "${packages[@]}" || { apt-get update -q && apt-get install -y -q --no-install-recommends "${packages[@]}"; }; } >/dev/null \
    && exit 0
fi
echo "reportgen needs system libraries that are missing: ${packages[*]}" >&2
echo "Install them with:  sudo $command" >&2
echo "(on macOS: brew install pango; elsewhere see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html)" >&2
exit 1
