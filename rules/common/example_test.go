package common_test

import (
	"fmt"

	"github.com/swiftval/swiftval/rules/common"
)

func ExampleCheckAmount() {
	fmt.Println(common.CheckAmount("1234,56", "EUR"))
	fmt.Println(common.CheckAmount("1234,5", "JPY"))
	fmt.Println(common.CheckAmount("1234.567", "BHD"))
	// Output:
	// valid
	// amount has more decimals than the currency allows
	// valid
}

func ExampleCheckBIC() {
	fmt.Println(common.CheckBIC("DEUTDEFF500"))
	fmt.Println(common.CheckBIC("DEUTZZFF") == common.BICCountryUnknown)
	// Output:
	// valid
	// true
}
