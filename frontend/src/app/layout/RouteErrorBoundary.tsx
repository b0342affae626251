import { Component, type ErrorInfo, type ReactNode } from "react";

import { ErrorState } from "../../components/ui/States";

interface State {
  error: unknown;
}

/**
 * Catches a page that fails while rendering, so the navigation stays usable and the person can try
 * again instead of facing a blank screen.
 */
export class RouteErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error("A page failed to render", error, info.componentStack);
  }

  override render() {
    if (this.state.error) {
      return (
        <ErrorState
          title="This page ran into a problem"
          error={this.state.error}
          onRetry={() => this.setState({ error: null })}
        />
      );
    }
    return this.props.children;
  }
}
