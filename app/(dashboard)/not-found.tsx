import { PageNotFound } from "@/components/shell/dead-end";

/** notFound() in a dashboard page: the message inside the shell its layout already drew. */
export default function NotFound() {
  return <PageNotFound />;
}
