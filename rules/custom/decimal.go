package custom

import (
	"fmt"
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/govalues/decimal"
)

// DecimalType is the CEL type of exact amounts: "swiftval.Decimal". Values
// compare numerically with <, <=, >, >= against each other and against
// ints, and with == and != against each other (1000 == 1000.00);
// decimal("1000.50") makes one.
var DecimalType = types.NewOpaqueType("swiftval.Decimal")

// decimalRuntimeType is the runtime type of decimal values: the same name,
// with the comparer trait so the standard comparison operators dispatch to
// Decimal.Compare.
type decimalRuntimeType struct{}

// HasTrait implements ref.Type: decimals are comparable.
func (decimalRuntimeType) HasTrait(t int) bool { return t == traits.ComparerType }

// TypeName implements ref.Type.
func (decimalRuntimeType) TypeName() string { return DecimalType.TypeName() }

// Decimal is the CEL value of an exact amount.
type Decimal struct{ D decimal.Decimal }

// ConvertToNative implements ref.Val.
func (d Decimal) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case reflect.TypeOf(decimal.Decimal{}):
		return d.D, nil
	case reflect.TypeOf(""):
		return d.D.String(), nil
	}
	return nil, fmt.Errorf("type conversion error from decimal to %v", t)
}

// ConvertToType implements ref.Val: a decimal converts to string and to
// itself.
func (d Decimal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.StringType:
		return types.String(d.D.String())
	case DecimalType, decimalRuntimeType{}:
		return d
	case types.TypeType:
		return DecimalType
	}
	return types.NewErr("type conversion error from decimal to %s", t.TypeName())
}

// Equal implements ref.Val: numeric equality.
func (d Decimal) Equal(o ref.Val) ref.Val {
	if c, ok := cmpDecimal(d, o); ok {
		return types.Bool(c == 0)
	}
	return types.False
}

// Compare implements traits.Comparer.
func (d Decimal) Compare(o ref.Val) ref.Val {
	if c, ok := cmpDecimal(d, o); ok {
		return types.Int(c)
	}
	return types.NoSuchOverloadErr()
}

// Type implements ref.Val.
func (d Decimal) Type() ref.Type { return decimalRuntimeType{} }

// Value implements ref.Val: the decimal.Decimal.
func (d Decimal) Value() any { return d.D }

func cmpDecimal(d Decimal, o ref.Val) (int, bool) {
	switch v := o.(type) {
	case Decimal:
		return d.D.Cmp(v.D), true
	case types.Int:
		e, err := decimal.New(int64(v), 0)
		if err != nil {
			return 0, false
		}
		return d.D.Cmp(e), true
	}
	return 0, false
}

// parseDecimal parses an amount written with '.' or ',' (SWIFT MT writes
// "1234,56") as the decimal separator.
func parseDecimal(s string) (decimal.Decimal, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			b := []byte(s)
			b[i] = '.'
			if len(b) > 0 && b[len(b)-1] == '.' {
				b = b[:len(b)-1]
			}
			return decimal.Parse(string(b))
		}
	}
	return decimal.Parse(s)
}
