package mt

var typeList []typeDef

type typeDef struct{ Type, Desc string }

var mtNames [1000]string

func init() {
	for i := range mtNames {
		mtNames[i] = "MT" + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
	}
}

func mtName(d string) string {
	n := int(d[0]-'0')*100 + int(d[1]-'0')*10 + int(d[2]-'0')
	return mtNames[n]
}
func variantType(base, v string) string { return "" }
func hasVariants(base string) bool      { return false }
func defFor(t string) *typeDef          { return nil }
func (m *Message) check(p *parser)      {}
