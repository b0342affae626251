import type { ButtonHTMLAttributes, ReactNode } from "react";

import { Icon, type IconName } from "./Icon";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: "normal" | "small";
  icon?: IconName;
  /** Shows a spinner and disables the button while an action runs. */
  busy?: boolean;
  children?: ReactNode;
}

export function buttonClassName(variant: ButtonVariant = "secondary", size: "normal" | "small" = "normal"): string {
  return ["button", variant !== "secondary" && `button-${variant}`, size === "small" && "button-small"]
    .filter(Boolean)
    .join(" ");
}

export function Button({
  variant = "secondary",
  size = "normal",
  icon,
  busy = false,
  type = "button",
  disabled,
  className,
  children,
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={[buttonClassName(variant, size), className].filter(Boolean).join(" ")}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? <span className="spinner" aria-hidden="true" /> : icon ? <Icon name={icon} /> : null}
      {children}
    </button>
  );
}

export interface IconButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  icon: IconName;
  /** The accessible name, also shown as a tooltip. */
  label: string;
}

export function IconButton({ icon, label, type = "button", className, ...rest }: IconButtonProps) {
  return (
    <button
      type={type}
      className={["icon-button", className].filter(Boolean).join(" ")}
      aria-label={label}
      title={label}
      {...rest}
    >
      <Icon name={icon} />
    </button>
  );
}
