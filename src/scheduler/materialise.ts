/**
 * The planning step that keeps every active series' occurrences materialised ahead. A series is
 * visited only when its horizon has fallen a week behind, so a tick with nothing to extend
 * costs one indexed query, not one visit per series.
 */
import type { Store } from '../store/store';
import { HORIZON_DAYS, materialise, viewOf } from '../features/booking/service';
import { addDays, todayIn } from '../core/datetime';
import type { Planner } from './tick';

export const MATERIALISE_BATCH = 250;

export function materialisePlanner(store: Store): Planner {
  return (now) => {
    const utcToday = todayIn(now, 'UTC');
    // A day of slack either side of UTC covers every school's local "today".
    const stale = addDays(utcToday, HORIZON_DAYS - 7);
    // One bounded batch per tick: with a week of slack, thousands of series catch up within the
    // hour, and no tick blocks the event loop (commands, acks) for long.
    const batch = store.activeSeriesToMaterialise(stale, MATERIALISE_BATCH);
    store.transaction(() => {
      for (const { tenantId, series } of batch) {
        const view = viewOf(store, tenantId, series);
        materialise(store, tenantId, view, now);
      }
    });
  };
}
