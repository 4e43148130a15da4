/**
 * The CLI's per-epoch record, bounded as the app's loss chart is: past `cap` points it keeps every other point (and
 * the newest) and from then on records every 2nd, 4th, … epoch. A run of any length holds at most `cap` points, evenly
 * spread over the run, so memory no longer grows with the number of epochs.
 */
export const CLI_HISTORY_POINTS = 10_000;

export class BoundedSeries<T> {
  private points: T[] = [];
  private stride = 1;
  private seen = 0;
  constructor(readonly cap = CLI_HISTORY_POINTS) {
    if (!(cap >= 2)) throw new Error('a bounded series needs room for at least 2 points');
  }

  push(point: T): void {
    if (this.seen++ % this.stride !== 0) {
      // Not recorded at this stride, but the newest point always shows: it replaces the last one kept off-stride.
      this.latest = point;
      return;
    }
    this.latest = undefined;
    this.points.push(point);
    if (this.points.length >= this.cap) {
      const last = this.points[this.points.length - 1]!;
      const thinned = this.points.filter((_, i) => i % 2 === 0);
      if ((this.points.length - 1) % 2 !== 0) thinned.push(last);
      this.points = thinned;
      this.stride *= 2;
    }
  }

  private latest: T | undefined;

  /** The recorded points, with the newest point last even if it fell between strides. */
  values(): T[] {
    return this.latest === undefined ? [...this.points] : [...this.points, this.latest];
  }
}
