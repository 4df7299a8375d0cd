/*
 * A minimal protobuf writer for one-node ONNX models (ModelProto → GraphProto →
 * NodeProto / ValueInfoProto), enough to run a single operator in onnxruntime-web
 * as a benchmark peer. Field numbers follow onnx/onnx.proto.
 */
const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const key = (field: number, wire: number) => varint((field << 3) | wire);
const lenDelimited = (field: number, bytes: number[]) => [...key(field, 2), ...varint(bytes.length), ...bytes];
const int = (field: number, n: number) => [...key(field, 0), ...varint(n)];
const str = (field: number, s: string) => lenDelimited(field, [...new TextEncoder().encode(s)]);

/** ONNX TensorProto.DataType values used here. */
export const ONNX = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6 } as const;

type IO = [name: string, elemType: number, dims: number[]];

function valueInfo([name, elemType, dims]: IO): number[] {
  const shape = dims.flatMap((d) => lenDelimited(1, int(1, d)));
  const tensorType = [...int(1, elemType), ...lenDelimited(2, shape)];
  return [...str(1, name), ...lenDelimited(2, lenDelimited(1, tensorType))];
}

/** A model with one `op` node from the graph inputs to the graph outputs (opset 13, IR version 8). */
export function oneNodeModel(op: string, inputs: IO[], outputs: IO[], opset = 13): Uint8Array {
  const node = [...inputs.flatMap((i) => str(1, i[0])), ...outputs.flatMap((o) => str(2, o[0])), ...str(4, op)];
  const graph = [...lenDelimited(1, node), ...str(2, 'g'), ...inputs.flatMap((i) => lenDelimited(11, valueInfo(i))), ...outputs.flatMap((o) => lenDelimited(12, valueInfo(o)))];
  return Uint8Array.from([...int(1, 8), ...lenDelimited(8, [...str(1, ''), ...int(2, opset)]), ...lenDelimited(7, graph)]);
}
