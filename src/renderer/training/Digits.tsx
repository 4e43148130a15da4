/**
 * Image data sets in the window: the data set itself (the digits' asset is loaded on demand, then built from the
 * document's reference exactly as the trainer builds it, so a test row index means the same image on both sides),
 * sample thumbnails in the data panel (click one to run the network on it: every image node then shows its feature
 * maps for it), and the gallery of misclassified test digits with predicted vs true class and the probabilities.
 */
import { memo, useEffect, useRef, useState } from 'react';
import { BUILTIN_DATASETS, loadDataset, prepareDataset, type Dataset } from '../../core/data';
import type { DataReference } from '../../core/document';
import { useDoc, useEditor } from '../editor/context';
import { useTraining } from './store';

const cache = new Map<string, Dataset>();

/** The image shape [h, w, c] of a built-in image set the reference names, or null. */
export function imageShapeOf(ref: DataReference): readonly number[] | null {
  if (ref.kind !== 'builtin') return null;
  const info = BUILTIN_DATASETS.find((d) => d.id === ref.name);
  return info?.kind === 'image' && info.imageShape ? info.imageShape : null;
}

/** The data set of an image reference, once loaded (null before, and for anything else). */
export function useImageDataset(ref: DataReference): Dataset | null {
  const key = imageShapeOf(ref) ? JSON.stringify(ref) : '';
  const [, setTick] = useState(0);
  useEffect(() => {
    if (key === '' || cache.has(key)) return;
    let live = true;
    void prepareDataset(ref).then(() => {
      const made = loadDataset(ref);
      if (made.ok) cache.set(key, made.dataset);
      if (live) setTick((t) => t + 1);
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is the reference
  }, [key]);
  return key === '' ? null : cache.get(key) ?? null;
}

/** One grey image (row-major h×w, channel 0 of c) on a canvas, ink dark on light. */
export const DigitImage = memo(function DigitImage({ pixels, shape, size = 36, title, testId }: {
  pixels: Float32Array; shape: readonly number[]; size?: number; title?: string; testId?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [h, w, c] = shape as [number, number, number];
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(w, h);
    for (let k = 0; k < h * w; k++) {
      const g = Math.round(255 * (1 - Math.max(0, Math.min(1, pixels[k * c]!))));
      image.data[k * 4] = g;
      image.data[k * 4 + 1] = g;
      image.data[k * 4 + 2] = g;
      image.data[k * 4 + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }, [pixels, h, w, c]);
  return <canvas ref={ref} width={w} height={h} style={{ width: size, height: size, imageRendering: 'pixelated' }} title={title} data-testid={testId} />;
});

/** Run the network on this image: every Input reading these features gets its values as the example. */
function usePickExample() {
  const { view } = useEditor();
  return (ds: Dataset, x: Float32Array) => {
    const values: Record<string, number> = {};
    ds.featureNames.forEach((f, k) => (values[f] = x[k]!));
    view.setState((s) => ({ exampleValues: { ...s.exampleValues, ...values } }));
  };
}

const argmax = (ys: ArrayLike<number>) => {
  let best = 0;
  for (let j = 1; j < ys.length; j++) if (ys[j]! > ys[best]!) best = j;
  return best;
};

/** The first test images with their labels; a click makes one the example the canvas runs. */
export function SampleImages() {
  const data = useDoc((s) => s.doc.data);
  const ds = useImageDataset(data);
  const pick = usePickExample();
  const shape = imageShapeOf(data);
  if (!shape) return null;
  if (!ds) return <p className="dock-note">Loading the images…</p>;
  const n = Math.min(20, ds.test.n);
  const size = ds.featureNames.length;
  const k = ds.targetNames.length;
  return (
    <figure className="dock-samples" aria-label="Sample images">
      <figcaption className="dock-section-title">Test images (click one to run it)</figcaption>
      <div className="dock-sample-grid">
        {Array.from({ length: n }, (_, r) => {
          const x = ds.test.x.subarray(r * size, (r + 1) * size);
          const label = ds.targetNames[argmax(ds.test.y.subarray(r * k, (r + 1) * k))];
          return (
            <button key={r} type="button" className="dock-sample" onClick={() => pick(ds, x)} title={`test image ${r + 1}: ${label}`} data-testid="sample-image">
              <DigitImage pixels={x} shape={shape} size={32} />
              <span>{label}</span>
            </button>
          );
        })}
      </div>
    </figure>
  );
}

/** Test digits the network gets wrong: predicted vs true class and the probabilities; a click runs it on the canvas. */
export function MisclassifiedGallery() {
  const data = useDoc((s) => s.doc.data);
  const wrong = useTraining((s) => s.snapshot?.evaluation.misclassified);
  const ds = useImageDataset(data);
  const pick = usePickExample();
  const shape = imageShapeOf(data);
  if (!shape || !ds || !wrong) return null;
  const size = ds.featureNames.length;
  return (
    <figure className="dock-misclassified" aria-label="Misclassified test images">
      <figcaption className="dock-section-title">Wrong ({wrong.length === 24 ? 'first 24' : wrong.length})</figcaption>
      <div className="dock-sample-grid">
        {wrong.map((m) => {
          if (m.row >= ds.test.n) return null;
          const x = ds.test.x.subarray(m.row * size, (m.row + 1) * size);
          const probs = m.probabilities.map((p, j) => `${ds.targetNames[j]}: ${(p * 100).toFixed(1)} %`).join('\n');
          return (
            <button key={m.row} type="button" className="dock-sample wrong" onClick={() => pick(ds, x)} data-testid="misclassified-image"
              title={`test image ${m.row + 1}: true ${ds.targetNames[m.truth]}, predicted ${ds.targetNames[m.guess]}\n${probs}`}>
              <DigitImage pixels={x} shape={shape} size={32} />
              <span><b>{ds.targetNames[m.guess]}</b> ≠ {ds.targetNames[m.truth]} · {Math.round((m.probabilities[m.guess] ?? 0) * 100)}%</span>
            </button>
          );
        })}
      </div>
    </figure>
  );
}
