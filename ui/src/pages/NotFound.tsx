// An address the UI has no page for.
import { Link } from "react-router-dom";
import { EmptyState } from "../components/EmptyState";

export function NotFound() {
  return (
    <EmptyState title="There is no page here.">
      <Link to="/">Go to the dashboard</Link>
    </EmptyState>
  );
}
