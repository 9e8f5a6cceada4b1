// A game's options as form fields, read off the JSON Schema `GET /api/games` gives for it, so a new
// game's options need no screen of their own. Integers and numbers get number inputs, booleans
// checkboxes, enums a select; anything else keeps its default. The server validates them again.
interface Property {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
}

export type Options = Record<string, unknown>;

function properties(schema: Record<string, unknown>): [string, Property][] {
  const props = schema.properties;
  if (typeof props !== 'object' || props === null) return [];
  return Object.entries(props as Record<string, Property>).filter(
    ([, p]) => p.type === 'integer' || p.type === 'number' || p.type === 'boolean' || Array.isArray(p.enum),
  );
}

export function defaultOptions(schema: Record<string, unknown>): Options {
  return Object.fromEntries(properties(schema).map(([name, p]) => [name, p.default ?? (p.type === 'boolean' ? false : p.minimum ?? 0)]));
}

export function OptionsFields({
  schema,
  value,
  onChange,
  idPrefix,
}: {
  schema: Record<string, unknown>;
  value: Options;
  onChange: (next: Options) => void;
  idPrefix: string;
}) {
  const props = properties(schema);
  if (props.length === 0) return null;
  return (
    <div className="game-options">
      {props.map(([name, p]) => {
        const id = `${idPrefix}-${name}`;
        const label = p.title ?? name;
        const set = (v: unknown) => onChange({ ...value, [name]: v });
        if (Array.isArray(p.enum)) {
          return (
            <label key={name} className="game-card__label" htmlFor={id}>
              {label}
              <select id={id} className="games-select" value={String(value[name] ?? '')} onChange={(e) => set(e.target.value)}>
                {p.enum.map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            </label>
          );
        }
        if (p.type === 'boolean') {
          return (
            <label key={name} className="game-card__label" htmlFor={id}>
              <input id={id} type="checkbox" checked={Boolean(value[name])} onChange={(e) => set(e.target.checked)} />
              {label}
            </label>
          );
        }
        return (
          <label key={name} className="game-card__label" htmlFor={id} title={p.description}>
            {label}
            <input
              id={id}
              className="games-number"
              type="number"
              min={p.minimum}
              max={p.maximum}
              step={p.type === 'integer' ? 1 : 'any'}
              value={String(value[name] ?? '')}
              onChange={(e) => set(e.target.value === '' ? undefined : Number(e.target.value))}
            />
          </label>
        );
      })}
    </div>
  );
}
