/**
 * A minimal ONNX protobuf writer: just the messages a converted graph needs
 * (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto,
 * StringStringEntryProto).
 * Field numbers follow onnx/onnx.proto.
 */

export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

export type OnnxAttribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'ints'; value: readonly number[] }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'string'; value: string };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
}

export interface OnnxInitializer {
  name: string;
  dataType: DataType;
  dims: readonly number[];
  /** Little-endian element bytes. */
  raw: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  elemType: DataType;
  dims: readonly number[];
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producer: string;
  /** ModelProto.metadata_props: what a reader needs beyond the graph (e.g. a head's tag ids). */
  metadata?: Readonly<Record<string, string>>;
  graph: {
    name: string;
    nodes: readonly OnnxNode[];
    initializers: readonly OnnxInitializer[];
    inputs: readonly OnnxValueInfo[];
    outputs: readonly OnnxValueInfo[];
  };
}

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;
const textEncoder = new TextEncoder();

/** Appends protobuf fields; nested messages are encoded first and written length-delimited. */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private readonly scratch: number[] = [];

  varint(field: number, value: number): this {
    this.tag(field, 0);
    this.rawVarint(value);
    return this.flush();
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    this.flush();
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.chunks.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(value.byteLength);
    this.flush();
    this.chunks.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, build: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, chunk) => n + chunk.byteLength, 0));
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** int64 varint; negatives take ten bytes (two's complement), as protobuf requires. */
  private rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    let big = BigInt.asUintN(64, BigInt(value));
    do {
      const low = Number(big & 0x7fn);
      big >>= 7n;
      this.scratch.push(big ? low | 0x80 : low);
    } while (big);
  }

  private flush(): this {
    this.chunks.push(Uint8Array.from(this.scratch));
    this.scratch.length = 0;
    return this;
  }
}

function writeTensor(w: ProtoWriter, tensor: OnnxInitializer): void {
  for (const dim of tensor.dims) w.varint(1, dim);
  w.varint(2, tensor.dataType).string(8, tensor.name).bytes(9, tensor.raw);
}

function writeValueInfo(w: ProtoWriter, info: OnnxValueInfo): void {
  w.string(1, info.name).message(2, (type) =>
    type.message(1, (tensorType) =>
      tensorType.varint(1, info.elemType).message(2, (shape) => {
        for (const dim of info.dims) shape.message(1, (d) => d.varint(1, dim));
      }),
    ),
  );
}

function writeAttribute(w: ProtoWriter, attribute: OnnxAttribute): void {
  w.string(1, attribute.name);
  switch (attribute.kind) {
    case 'int':
      w.varint(3, attribute.value).varint(20, AttributeType.INT);
      break;
    case 'ints':
      for (const value of attribute.value) w.varint(8, value);
      w.varint(20, AttributeType.INTS);
      break;
    case 'float':
      w.float(2, attribute.value).varint(20, AttributeType.FLOAT);
      break;
    case 'string':
      w.string(4, attribute.value).varint(20, AttributeType.STRING);
      break;
  }
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name).string(4, node.opType);
  for (const attribute of node.attributes ?? []) w.message(5, (a) => writeAttribute(a, attribute));
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const { graph } = model;
  const writer = new ProtoWriter()
    .varint(1, model.irVersion)
    .string(2, model.producer)
    .message(7, (g) => {
      for (const node of graph.nodes) g.message(1, (n) => writeNode(n, node));
      g.string(2, graph.name);
      for (const tensor of graph.initializers) g.message(5, (t) => writeTensor(t, tensor));
      for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
      for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
    })
    .message(8, (opset) => opset.string(1, '').varint(2, model.opset));
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    writer.message(14, (entry) => entry.string(1, key).string(2, value));
  }
  return writer.finish();
}
