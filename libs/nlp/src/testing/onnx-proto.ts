import protobuf from 'protobufjs';

/**
 * The subset of onnx.proto (ONNX IR 8) that a small inference graph needs, as a protobufjs
 * JSON descriptor. Field numbers are those of onnx/onnx.proto; fields we never write are
 * left out (protobuf readers skip what they do not know, and we only write).
 */
const ONNX_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
          },
        },
        TypeProto: {
          fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } },
        },
        TypeProtoTensor: {
          fields: {
            elemType: { type: 'int32', id: 1 },
            shape: { type: 'TensorShapeProto', id: 2 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
        },
        Dimension: {
          fields: {
            dimValue: { type: 'int64', id: 1 },
            dimParam: { type: 'string', id: 2 },
          },
        },
      },
    },
  },
};

/** onnx.TensorProto.DataType values we use. */
export const DT = { FLOAT: 1, INT8: 3, INT64: 7 } as const;
type DataType = (typeof DT)[keyof typeof DT];

/** onnx.AttributeProto.AttributeType values we use. */
const ATTR = { FLOAT: 1, INT: 2, INTS: 7 } as const;

const root = protobuf.Root.fromJSON(ONNX_DESCRIPTOR);
const ModelProto = root.lookupType('onnx.ModelProto');

export interface Tensor {
  name: string;
  dataType: DataType;
  dims: number[];
  data: Float32Array | Int8Array | BigInt64Array;
}

export type AttrValue = number | number[] | { float: number };

export interface GraphNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

export interface GraphIo {
  name: string;
  dataType: DataType;
  /** A number is a fixed size, a string a symbolic one (`batch`, `sequence`). */
  shape: (number | string)[];
}

export interface Graph {
  name: string;
  inputs: GraphIo[];
  outputs: GraphIo[];
  initializers: Tensor[];
  nodes: GraphNode[];
}

function tensorProto(t: Tensor) {
  return {
    name: t.name,
    dataType: t.dataType,
    dims: t.dims,
    // Little-endian raw bytes, as ONNX stores raw_data.
    rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
  };
}

function valueInfo(io: GraphIo) {
  return {
    name: io.name,
    type: {
      tensorType: {
        elemType: io.dataType,
        shape: { dim: io.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: AttrValue) {
  if (typeof v === 'number') return { name, type: ATTR.INT, i: v };
  if (Array.isArray(v)) return { name, type: ATTR.INTS, ints: v };
  return { name, type: ATTR.FLOAT, f: v.float };
}

/** Serialize a graph as an ONNX model (IR 8, default-domain opset 13). */
export function encodeModel(graph: Graph, opts: { docString?: string } = {}): Uint8Array {
  const model = {
    irVersion: 8,
    producerName: 'social-pulse tiny-model builder',
    producerVersion: '1',
    modelVersion: 1,
    docString: opts.docString ?? '',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: graph.name,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      initializer: graph.initializers.map(tensorProto),
      node: graph.nodes.map((n, i) => ({
        name: `${n.op.toLowerCase()}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
    },
  };
  const err = ModelProto.verify(model);
  if (err) throw new Error(`invalid ONNX model: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
