import { useEffect, useId, useRef, type FormEvent, type ReactNode } from "react";

import { IconButton } from "./Button";

export interface DialogProps {
  open: boolean;
  title: string;
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  /** When given, the dialog is a form: Enter submits it and the footer's submit button works. */
  onSubmit?: (event: FormEvent<HTMLFormElement>) => void;
}

/**
 * A modal dialog on the native <dialog> element, which gives focus containment, Escape to close and
 * the inert backdrop for free. Focus returns to the control that opened it when it closes.
 */
export function Dialog({ open, title, description, onClose, children, footer, wide, onSubmit }: DialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const returnFocusTo = useRef<Element | null>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnFocusTo.current = document.activeElement;
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
      const previous = returnFocusTo.current;
      if (previous instanceof HTMLElement) previous.focus();
    }
  }, [open]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    // Escape fires "cancel"; the dialog's visibility stays under React's control.
    const handleCancel = (event: Event) => {
      event.preventDefault();
      onClose();
    };
    dialog.addEventListener("cancel", handleCancel);
    return () => dialog.removeEventListener("cancel", handleCancel);
  }, [onClose]);

  const content = (
    <>
      <div className="dialog-header">
        <div className="stack" style={{ gap: 4 }}>
          <h2 id={titleId}>{title}</h2>
          {description ? (
            <p id={descriptionId} className="muted">
              {description}
            </p>
          ) : null}
        </div>
        <IconButton icon="close" label="Close" onClick={onClose} />
      </div>
      <div className="dialog-body">{children}</div>
      {footer ? <div className="dialog-footer">{footer}</div> : null}
    </>
  );

  return (
    <dialog
      ref={dialogRef}
      className={wide ? "dialog dialog-wide" : "dialog"}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
    >
      {open ? (
        onSubmit ? (
          <form
            className="dialog-inner"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              onSubmit(event);
            }}
          >
            {content}
          </form>
        ) : (
          <div className="dialog-inner">{content}</div>
        )
      ) : null}
    </dialog>
  );
}
