package delegation

import (
	"net/http"

	"github.com/orgexport/orgexport/shared/pacer"
	"github.com/orgexport/orgexport/shared/quota"
)

// Limits are the pacer limits of each API's (subject, API) pairs: one
// account's budget of the quota table t (nil means quota.Default), with
// each call costing its method's units. APIs the table does not know
// (Cloud Storage, the token endpoint) are not paced.
func Limits(t *quota.Table) func(api string) pacer.Limit {
	tb := *t
	return func(api string) pacer.Limit {
		b := tb.PerAccount(api)
		if b.Rate <= 0 {
			return pacer.Limit{}
		}
		return pacer.Limit{Rate: b.Rate, Burst: b.Burst, Cost: func(r *http.Request) float64 {
			return float64(b.Cost(quota.Method(api, r)))
		}}
	}
}
