/** Placeholder: filled in by the Consultation screen work. */
export default function ConsultationPage() {
  return <div className="page"><h1>Consultation</h1></div>;
}
