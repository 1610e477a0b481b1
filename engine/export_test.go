package engine

// FinishForTest finishes f as a report does and returns the messages.
func FinishForTest(f *Findings) []string {
	var r Report
	r.finish(f, 0)
	out := make([]string, len(r.Findings))
	for i := range r.Findings {
		out[i] = r.Findings[i].Message
	}
	return out
}
