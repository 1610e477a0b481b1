package stream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/swiftval/swiftval/engine"
)

// Input is one message to publish onto a stream.
type Input struct {
	// ID, when set, is published as the message's de-duplication ID (and
	// becomes its output's ID).
	ID string
	// Subject, when set, overrides the publisher's subject.
	Subject string
	// Format is the detected format ("mt", "mx"; "" when neither).
	Format string
	// Data is the message.
	Data []byte
}

// maxNDJSONLine bounds one NDJSON line (a message of 10 MiB escaped as
// JSON, with room to spare).
const maxNDJSONLine = 32 << 20

// SplitInputs cuts one file's content into messages: an NDJSON file
// (name ending .ndjson or .jsonl) gives one message per line, each an
// object {"message": "...", "id": "...", "subject": "..."} (id and
// subject optional, other keys refused); any other content is one message,
// or several when a format splits it (an RJE batch of MT messages). formats
// are tried in order to detect and split.
func SplitInputs(formats []engine.Format, name string, data []byte) ([]Input, error) {
	if strings.HasSuffix(name, ".ndjson") || strings.HasSuffix(name, ".jsonl") {
		return ndjson(formats, name, data)
	}
	for _, f := range formats {
		if !f.Detect(data) {
			continue
		}
		if sp, ok := f.(engine.Splitter); ok {
			segs := sp.Split(data)
			if len(segs) > 1 {
				out := make([]Input, len(segs))
				for i, s := range segs {
					out[i] = Input{Format: f.Name(), Data: s.Data}
				}
				return out, nil
			}
		}
		return []Input{{Format: f.Name(), Data: data}}, nil
	}
	return []Input{{Data: data}}, nil
}

func ndjson(formats []engine.Format, name string, data []byte) ([]Input, error) {
	var out []Input
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxNDJSONLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec struct {
			Message *string `json:"message"`
			ID      string  `json:"id"`
			Subject string  `json:"subject"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if rec.Message == nil {
			return nil, fmt.Errorf("%s:%d: no \"message\"", name, line)
		}
		in := Input{ID: rec.ID, Subject: rec.Subject, Data: []byte(*rec.Message)}
		for _, f := range formats {
			if f.Detect(in.Data) {
				in.Format = f.Name()
				break
			}
		}
		out = append(out, in)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}
