// Publishing an event by hand: to try a webhook out, or to resend something by hand.
import { Link } from "react-router-dom";
import { PageHeader } from "../components/PageHeader";
import { PublishForm } from "../components/events/PublishForm";
import "../styles/events.css";

export function PublishEvent() {
  return (
    <>
      <PageHeader
        title="Publish event"
        subtitle="hookd delivers it to every active webhook of the tenant that subscribes to its type."
        actions={
          <Link className="button" to="/events">
            All events
          </Link>
        }
      />
      <PublishForm />
    </>
  );
}
