import { useRef, type KeyboardEvent } from "react";

import { Icon, type IconName } from "../../../components/ui/Icon";
import { CHART_TYPES, type ChartType } from "../../../lib/api/types";
import { CHART_TYPE_LABELS } from "../api/chart-draft";

export const CHART_TYPE_ICONS: Record<ChartType, IconName> = {
  bar: "chart",
  line: "line",
  area: "area",
  pie: "pie",
  donut: "donut",
  scatter: "scatter",
  table: "table",
  big_number: "number",
  histogram: "histogram",
  heatmap: "heatmap",
  pivot_table: "pivot",
};

/** The chart types as a radio group: arrow keys move the choice, as in any radio group. */
export function ChartTypePicker({ value, onChange }: { value: ChartType; onChange: (type: ChartType) => void }) {
  const buttons = useRef(new Map<ChartType, HTMLButtonElement>());

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = CHART_TYPES.indexOf(value);
    let next = index;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") next = (index + 1) % CHART_TYPES.length;
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = (index - 1 + CHART_TYPES.length) % CHART_TYPES.length;
    else return;
    event.preventDefault();
    const type = CHART_TYPES[next];
    if (!type) return;
    onChange(type);
    buttons.current.get(type)?.focus();
  };

  return (
    <div className="field">
      <span className="field-label" id="chart-type-label">
        Chart type
      </span>
      <div className="chart-type-grid" role="radiogroup" aria-labelledby="chart-type-label" onKeyDown={handleKeyDown}>
        {CHART_TYPES.map((type) => (
          <button
            key={type}
            ref={(element) => {
              if (element) buttons.current.set(type, element);
              else buttons.current.delete(type);
            }}
            type="button"
            role="radio"
            aria-checked={type === value}
            tabIndex={type === value ? 0 : -1}
            className="chart-type-option"
            onClick={() => onChange(type)}
          >
            <Icon name={CHART_TYPE_ICONS[type]} />
            {CHART_TYPE_LABELS[type]}
          </button>
        ))}
      </div>
    </div>
  );
}
