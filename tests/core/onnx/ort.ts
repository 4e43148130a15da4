/** Run ONNX bytes in ONNX Runtime (onnxruntime-web's wasm backend, under Node, one thread). */
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

export async function runOnnx(bytes: Uint8Array, x: Float32Array, batch: number, inputSize: number): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [batch, inputSize]) });
    const output = result[session.outputNames[0]!]!;
    return { data: output.data as Float32Array, dims: output.dims };
  } finally {
    await session.release();
  }
}
