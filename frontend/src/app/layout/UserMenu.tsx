import { useEffect, useId, useRef, useState } from "react";
import { useNavigate } from "react-router";

import { Badge } from "../../components/ui/Badge";
import { Icon } from "../../components/ui/Icon";
import { initials } from "../../lib/format";
import { useAuth, useCurrentUser } from "../../lib/auth/AuthProvider";

export function UserMenu() {
  const user = useCurrentUser();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const containerRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const closeOnOutsideClick = (event: MouseEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener("mousedown", closeOnOutsideClick);
    document.addEventListener("keydown", closeOnEscape);
    return () => {
      document.removeEventListener("mousedown", closeOnOutsideClick);
      document.removeEventListener("keydown", closeOnEscape);
    };
  }, [open]);

  return (
    <div className="menu" ref={containerRef}>
      <button
        ref={buttonRef}
        type="button"
        className="menu-button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(user.display_name)}
        </span>
        <span>{user.display_name}</span>
        <Icon name="chevronDown" />
      </button>
      {open ? (
        <div className="menu-popover" id={menuId}>
          <div className="menu-identity">
            <p style={{ fontWeight: 650 }}>{user.display_name}</p>
            <p className="muted small">{user.email}</p>
            <p style={{ marginTop: 6 }}>
              <Badge tone="primary">{user.role}</Badge>
            </p>
          </div>
          <button
            type="button"
            className="menu-item"
            onClick={async () => {
              setOpen(false);
              await signOut();
              navigate("/login", { replace: true });
            }}
          >
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}
