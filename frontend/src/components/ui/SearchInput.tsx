import { useEffect, useId, useState } from "react";

import { Icon } from "./Icon";

export interface SearchInputProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  /** Milliseconds to wait after the last keystroke before reporting the value. */
  debounceMs?: number;
}

/** A search box that reports its value once typing pauses, so a list is not reloaded per keystroke. */
export function SearchInput({ label, value, onChange, placeholder, debounceMs = 250 }: SearchInputProps) {
  const id = useId();
  const [text, setText] = useState(value);

  useEffect(() => {
    setText(value);
  }, [value]);

  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onChange(text), debounceMs);
    return () => clearTimeout(timer);
  }, [text, value, onChange, debounceMs]);

  return (
    <div className="search" role="search">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <Icon name="search" />
      <input
        id={id}
        className="input"
        type="search"
        value={text}
        placeholder={placeholder ?? label}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") onChange(text);
        }}
      />
    </div>
  );
}
