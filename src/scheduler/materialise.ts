/** The planning step that keeps every active series' occurrences materialised ahead. */
import type { Store } from '../store/store';
import { materialise, viewOf } from '../features/booking/service';
import type { Planner } from './tick';

export function materialisePlanner(store: Store): Planner {
  return (now) => {
    store.transaction(() => {
      for (const { tenantId, series } of store.allActiveSeries()) materialise(store, tenantId, viewOf(store, tenantId, series), now);
    });
  };
}
