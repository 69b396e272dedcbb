// Reference outputs from LiteRT itself (LiteRT.js: the LiteRT runtime with its XNNPACK delegate, compiled to
// WebAssembly), for every NAME.tflite in a directory that has a NAME_inputs.bin beside it: writes
// NAME_expected_litert.bin, the raw output of each input record in turn.
//
//   npm install --prefix /tmp/litert @litertjs/core@2.5.3
//   node model/src/test/litert/reference.mjs /tmp/litert model/src/test/resources/ops
//
// LiteRT.js is written for browsers and workers; two shims let node run it unchanged: importScripts (how it
// loads its emscripten glue) and INT8 in its table of tensor types (the runtime has int8 tensors, the
// JavaScript wrapper's table lacks the entry).
import {createRequire} from 'node:module';
import {readFileSync, writeFileSync, readdirSync, existsSync} from 'node:fs';
import {join, dirname} from 'node:path';
import vm from 'node:vm';

const [prefix, dir] = process.argv.slice(2);
const core = join(prefix, 'node_modules/@litertjs/core');
globalThis.self = globalThis;
globalThis.importScripts = (url) => vm.runInThisContext(
    '(function (require, __dirname, __filename) {' + readFileSync(url, 'utf8')
        + '\nself.ModuleFactory = ModuleFactory;\n})', {filename: url})(createRequire(url), dirname(url), url);

const int8Entry = `  {
    dtype: "uint8",
    typedArrayConstructor: Uint8Array,
    elementType: ElementType.UINT8
  }`;
const source = readFileSync(join(core, 'dist/index.js'), 'utf8');
if (!source.includes(int8Entry)) {
  throw new Error('this @litertjs/core lays out its data types differently; the INT8 shim needs updating');
}
const patched = join(core, 'dist/index-int8.js');
writeFileSync(patched, source.replace(int8Entry,
    int8Entry + `,\n  {dtype: "int8", typedArrayConstructor: Int8Array, elementType: ElementType.INT8}`));
const {loadLiteRt, loadAndCompile, Tensor} = await import(patched);
await loadLiteRt(join(core, 'wasm/'));

const typed = {int8: Int8Array, uint8: Uint8Array, float32: Float32Array, int32: Int32Array};
for (const file of readdirSync(dir).filter((f) => f.endsWith('.tflite')).sort()) {
  const name = file.slice(0, -'.tflite'.length);
  const inputsFile = join(dir, name + '_inputs.bin');
  if (!existsSync(inputsFile)) {
    continue;
  }
  const model = await loadAndCompile(new Uint8Array(readFileSync(join(dir, file))), {accelerator: 'wasm'});
  const input = model.getInputDetails()[0];
  const Array = typed[input.dtype];
  const recordBytes = input.shape.reduce((a, b) => a * b, 1) * Array.BYTES_PER_ELEMENT;
  const all = readFileSync(inputsFile);
  const outputs = [];
  let shape;
  for (let off = 0; off + recordBytes <= all.length; off += recordBytes) {
    const tensor = new Tensor(new Array(all.buffer.slice(all.byteOffset + off, all.byteOffset + off + recordBytes)),
        [...input.shape]);
    const results = await model.run([tensor]);
    const out = results[0].toTypedArray();
    shape = results[0].type.layout.dimensions;
    outputs.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
    tensor.delete();
    results.forEach((r) => r.delete());
  }
  writeFileSync(join(dir, name + '_expected_litert.bin'), Buffer.concat(outputs));
  console.log(`${name}: ${outputs.length} outputs of ${outputs[0].length} bytes, shape [${shape}]`);
}
