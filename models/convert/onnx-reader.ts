import type { DataType, OnnxInitializer } from './onnx-writer.ts';

/**
 * Reads back what `encodeModel` wrote that a model's user needs as data: the initializers and the
 * metadata (e.g. a trained head's weights and tag ids). Field numbers follow onnx/onnx.proto.
 */
export interface OnnxContents {
  metadata: Record<string, string>;
  initializers: OnnxInitializer[];
}

interface Field {
  number: number;
  /** A varint's value, or a length-delimited field's bytes (fixed-width fields are skipped). */
  value: number | Uint8Array;
}

const textDecoder = new TextDecoder();

function* fields(bytes: Uint8Array): Generator<Field> {
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      if (offset >= bytes.length) throw new Error('ONNX bytes end inside a field');
      const byte = bytes[offset++];
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    switch (key % 8) {
      case 0:
        yield { number, value: varint() };
        break;
      case 1:
        offset += 8;
        break;
      case 2: {
        const length = varint();
        if (offset + length > bytes.length) throw new Error('ONNX bytes end inside a field');
        yield { number, value: bytes.subarray(offset, (offset += length)) };
        break;
      }
      case 5:
        offset += 4;
        break;
      default:
        throw new Error(`ONNX bytes have an unknown wire type in field ${number}`);
    }
  }
}

const text = (value: number | Uint8Array): string => (typeof value === 'number' ? '' : textDecoder.decode(value));
const bytesOf = (value: number | Uint8Array): Uint8Array => (typeof value === 'number' ? new Uint8Array(0) : value);

function readInitializer(bytes: Uint8Array): OnnxInitializer {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw = new Uint8Array(0);
  for (const { number, value } of fields(bytes)) {
    if (number === 1 && typeof value === 'number') dims.push(value);
    else if (number === 2 && typeof value === 'number') dataType = value;
    else if (number === 8) name = text(value);
    // A copy: element views need the alignment a subarray of the file may lack.
    else if (number === 9) raw = bytesOf(value).slice();
  }
  return { name, dataType: dataType as DataType, dims, raw };
}

export function decodeModel(bytes: Uint8Array): OnnxContents {
  const contents: OnnxContents = { metadata: {}, initializers: [] };
  for (const model of fields(bytes)) {
    if (model.number === 7) {
      for (const graph of fields(bytesOf(model.value))) {
        if (graph.number === 5) contents.initializers.push(readInitializer(bytesOf(graph.value)));
      }
    } else if (model.number === 14) {
      const entry = new Map([...fields(bytesOf(model.value))].map(({ number, value }) => [number, text(value)]));
      contents.metadata[entry.get(1) ?? ''] = entry.get(2) ?? '';
    }
  }
  return contents;
}
