// Package deploy holds what runs swiftval elsewhere: the container image
// (Containerfile, built by make image), the Kubernetes manifests
// (kubernetes/, applied with kubectl apply -k) and the podman settings CI
// uses. It has no code; its tests check the manifests against each other,
// against the image and against the binary, and smoke-test a built image
// (see smoke_test.go).
package deploy
