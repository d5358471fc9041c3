/**
 * The planning step that keeps every active series' occurrences materialised ahead. A series is
 * visited only when its horizon has fallen a week behind, so a tick with nothing to extend
 * costs one indexed query, not one visit per series.
 */
import type { Services } from '../../core/ports';
import { HORIZON_DAYS, materialise, viewOf } from './series';
import { addDays, todayIn } from '../../core/datetime';

export const MATERIALISE_BATCH = 250;

/** Registered first, so the other features' planners see this tick's occurrences. */
export function materialiseAhead(services: Services, now: Date): void {
  const utcToday = todayIn(now, 'UTC');
  // A day of slack either side of UTC covers every school's local "today".
  const stale = addDays(utcToday, HORIZON_DAYS - 7);
  // One bounded batch per tick: with a week of slack, thousands of series catch up within the
  // hour, and no tick blocks the event loop (commands, acks) for long.
  const batch = services.series.activeSeriesToMaterialise(stale, MATERIALISE_BATCH);
  services.transaction(() => {
    for (const { tenantId, series } of batch) {
      const view = viewOf(services, tenantId, series);
      materialise(services, tenantId, view, now);
    }
  });
}
