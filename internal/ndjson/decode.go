package ndjson

import (
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
)

// Decode decodes one line: its id and message (hasMsg false when the line
// has no string "message"). The common line
// {"id":"...","message":"..."} is decoded by hand, the message without a
// copy when it has no escapes: encoding/json's reflection and copies cost
// more than validating an MT103. Anything else (other keys, other value
// types, surrogate escapes, invalid UTF-8, malformed JSON) goes to
// json.Unmarshal, so the result is always what json.Unmarshal gives into
// an Item (FuzzDecode checks this). msg may alias line.
func Decode(line []byte) (id string, msg []byte, hasMsg bool, err error) {
	if id, msg, hasMsg, ok := fastDecodeItem(line); ok {
		return id, msg, hasMsg, nil
	}
	var it Item
	if err := json.Unmarshal(line, &it); err != nil {
		return it.ID, nil, false, err
	}
	if it.Message == nil {
		return it.ID, nil, false, nil
	}
	return it.ID, []byte(*it.Message), true, nil
}

func fastDecodeItem(b []byte) (id string, msg []byte, hasMsg, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return "", nil, false, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return "", nil, false, skipSpace(b, i+1) == len(b)
	}
	for {
		key, next, ok := jsonString(b, i)
		if !ok {
			return "", nil, false, false
		}
		i = skipSpace(b, next)
		if i >= len(b) || b[i] != ':' {
			return "", nil, false, false
		}
		val, next, ok := jsonString(b, skipSpace(b, i+1))
		if !ok {
			return "", nil, false, false
		}
		switch string(key) {
		case "id":
			id = string(val)
		case "message":
			msg, hasMsg = val, true
		default:
			return "", nil, false, false
		}
		i = skipSpace(b, next)
		if i >= len(b) {
			return "", nil, false, false
		}
		if b[i] == '}' {
			return id, msg, hasMsg, skipSpace(b, i+1) == len(b)
		}
		if b[i] != ',' {
			return "", nil, false, false
		}
		i = skipSpace(b, i+1)
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonString decodes the JSON string at b[i]; ok is false for anything the
// fast path leaves to encoding/json.
func jsonString(b []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	i++
	start := i
	// Plain run without escapes: a subslice, no copy.
	for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
		i++
	}
	if i < len(b) && b[i] == '"' {
		if !utf8.Valid(b[start:i]) {
			return nil, 0, false
		}
		return b[start:i], i + 1, true
	}
	out := make([]byte, 0, len(b)-start)
	out = append(out, b[start:i]...)
	for i < len(b) {
		// Copy the run up to the next quote, backslash or control character
		// at once.
		j := i
		for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
			j++
		}
		out = append(out, b[i:j]...)
		i = j
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return nil, 0, false
			}
			return out, i + 1, true
		case c < 0x20:
			return nil, 0, false
		}
		if i+1 >= len(b) {
			return nil, 0, false
		}
		switch e := b[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(b, i+2)
			if !ok || utf16.IsSurrogate(r) {
				return nil, 0, false // surrogates: encoding/json's rules
			}
			out = utf8.AppendRune(out, r)
			i += 4
		default:
			return nil, 0, false
		}
		i += 2
	}
	return nil, 0, false
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
