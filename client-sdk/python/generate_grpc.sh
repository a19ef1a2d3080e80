#!/bin/sh
# Generates the Python stubs of r1.v1 (RewardService, RolloutService and the messages they use) for
# r1serve.grpc_client into r1serve/_proto.
# Needs protoc >= 3.15 (proto3 optional fields) and the gRPC Python plugin, e.g. on Debian/Ubuntu:
#   apt-get install protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf
# (python3-grpc-tools is NOT enough: its protoc 3.5 rejects 'optional'). Or: pip install grpcio-tools and
# PROTOC="python3 -m grpc_tools.protoc" PLUGIN="" ./generate_grpc.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
proto="$here/../../proto/src/main/proto"
out="$here/r1serve/_proto"
PROTOC=${PROTOC:-protoc}
PLUGIN=${PLUGIN-"--plugin=protoc-gen-grpc_python=$(command -v grpc_python_plugin || echo /usr/bin/grpc_python_plugin)"}
mkdir -p "$out"
# shellcheck disable=SC2086
$PROTOC -I "$proto" --python_out="$out" --grpc_python_out="$out" $PLUGIN \
  "$proto/r1/v1/inference.proto" "$proto/r1/v1/reward.proto" "$proto/r1/v1/rollout.proto"
echo "stubs in $out"
