#!/usr/bin/env bash
# Everything that needs an NVIDIA GPU, in one go: build the addon with CUDA, check
# that `recdata doctor` sees the device, run the GPU tests (files named
# *.gpu.test.ts under packages/*/test or test/) and the GPU benchmarks
# (scripts/bench/*.gpu.ts). Exits non-zero when any step fails; on a machine
# without a GPU it says so and exits 0, so CI can call it everywhere.
set -uo pipefail
cd "$(dirname "$0")/.."

reason=''
if ! command -v nvidia-smi >/dev/null 2>&1; then
  reason='nvidia-smi not found'
elif ! gpus=$(nvidia-smi --query-gpu=index,name --format=csv,noheader 2>&1); then
  reason="nvidia-smi failed: $(head -n 1 <<<"$gpus")"
elif [[ -z "$gpus" ]]; then
  reason='nvidia-smi lists no device'
fi
if [[ -n "$reason" ]]; then
  echo "gpu-check: no NVIDIA GPU found ($reason); nothing to check"
  exit 0
fi
echo "gpu-check: found $(wc -l <<<"$gpus") GPU(s):"
sed 's/^/  /' <<<"$gpus"

export OCLIF_SKIP_UPDATE_CHECK=1 RECDATA_TEST_OUTPUT="$PWD/test-output"
mkdir -p "$RECDATA_TEST_OUTPUT"
summary=()
failed=0

step() {
  local name=$1
  shift
  echo
  echo "== gpu-check: $name"
  if "$@"; then
    summary+=("ok    $name")
  else
    summary+=("FAIL  $name (exit $?)")
    failed=1
  fi
}

finish() {
  echo
  echo "gpu-check summary:"
  printf '  %s\n' "${summary[@]}"
  exit "$failed"
}

# doctor exits 0 without a device too; the JSON says whether the addon sees one.
doctor_sees_gpu() {
  node packages/cli/bin/run.js doctor || return 1
  node packages/cli/bin/run.js doctor --json |
    node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
      if (!r.cuda.compiled || r.cuda.devices.length === 0) { console.error(`the addon sees no device: ${r.cuda.reason}`); process.exit(1); }'
}

# RECDATA_REQUIRE_NATIVE: bootstrap otherwise shrugs off a failed native build.
step 'build with CUDA' env RECDATA_WITH_CUDA=1 RECDATA_REQUIRE_NATIVE=1 node scripts/bootstrap.mjs --force-build
# Nothing after this means anything against a stale or CPU-only addon.
[[ $failed == 0 ]] || finish
step 'doctor sees the GPU' doctor_sees_gpu

mapfile -t tests < <(find packages/*/test test -name '*.gpu.test.ts' -not -path '*/node_modules/*' 2>/dev/null | sort)
if ((${#tests[@]} > 0)); then
  step "GPU tests (${#tests[@]} files)" node --conditions=source --import tsx --test --test-reporter=spec "${tests[@]}"
else
  summary+=("none  GPU tests: no *.gpu.test.ts files")
fi

shopt -s nullglob
benches=(scripts/bench/*.gpu.ts)
for bench in "${benches[@]}"; do
  step "benchmark $bench" node scripts/run-tsx.mjs "$bench"
done
((${#benches[@]} > 0)) || summary+=("none  GPU benchmarks: no scripts/bench/*.gpu.ts")

finish
