//! The numeric kernels shared by inference and training: dot products, dense layers,
//! layer normalisation, GELU and softmax, each with its backward pass where training
//! needs one. Plain f32 loops; no allocation, no unsafe, no platform intrinsics, so
//! native and wasm32 compute the same thing.

/// Epsilon inside layer normalisation's square root.
pub const LN_EPS: f32 = 1e-5;

/// √(2/π), for the tanh approximation of GELU.
const GELU_C: f32 = 0.797_884_6;
const GELU_A: f32 = 0.044_715;

/// Dot product with eight independent accumulators (lets the compiler vectorise; the
/// summation order is fixed, so every caller gets bit-identical results).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0f32;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
}

/// `y += a * x`.
pub(crate) fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    debug_assert_eq!(x.len(), y.len());
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// Dense layer `out = x · W + b` with `W` stored row-major as `[x.len()][out.len()]`.
pub(crate) fn linear(x: &[f32], w: &[f32], b: &[f32], out: &mut [f32]) {
    let n_out = out.len();
    debug_assert_eq!(w.len(), x.len() * n_out);
    out.copy_from_slice(b);
    for (xi, row) in x.iter().zip(w.chunks_exact(n_out)) {
        axpy(*xi, row, out);
    }
}

/// Backward of [`linear`]: writes `dx`, accumulates into `dw` and `db`.
pub(crate) fn linear_backward(x: &[f32], w: &[f32], dout: &[f32], dx: &mut [f32], dw: &mut [f32], db: &mut [f32]) {
    let n_out = dout.len();
    for (((xi, dxi), row), drow) in
        x.iter().zip(dx.iter_mut()).zip(w.chunks_exact(n_out)).zip(dw.chunks_exact_mut(n_out))
    {
        *dxi = dot(row, dout);
        axpy(*xi, dout, drow);
    }
    for (d, g) in db.iter_mut().zip(dout) {
        *d += g;
    }
}

/// Layer normalisation over one vector; returns `(mean, 1/std)` for the backward pass.
pub(crate) fn layer_norm(x: &[f32], g: &[f32], b: &[f32], out: &mut [f32]) -> (f32, f32) {
    let n = x.len() as f32;
    let mean = x.iter().sum::<f32>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let rstd = 1.0 / (var + LN_EPS).sqrt();
    for i in 0..x.len() {
        out[i] = (x[i] - mean) * rstd * g[i] + b[i];
    }
    (mean, rstd)
}

/// Backward of [`layer_norm`]: accumulates into `dx`, `dg` and `db`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn layer_norm_backward(
    x: &[f32],
    mean: f32,
    rstd: f32,
    g: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    dg: &mut [f32],
    db: &mut [f32],
) {
    let n = x.len() as f32;
    let mut m1 = 0.0f32;
    let mut m2 = 0.0f32;
    for i in 0..x.len() {
        let xhat = (x[i] - mean) * rstd;
        let dxhat = dy[i] * g[i];
        m1 += dxhat;
        m2 += dxhat * xhat;
    }
    m1 /= n;
    m2 /= n;
    for i in 0..x.len() {
        let xhat = (x[i] - mean) * rstd;
        let dxhat = dy[i] * g[i];
        dx[i] += rstd * (dxhat - m1 - xhat * m2);
        dg[i] += dy[i] * xhat;
        db[i] += dy[i];
    }
}

/// GELU, tanh approximation (as in GPT-2).
pub(crate) fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + (GELU_C * (x + GELU_A * x * x * x)).tanh())
}

/// d gelu(x) / dx.
pub(crate) fn gelu_grad(x: f32) -> f32 {
    let th = (GELU_C * (x + GELU_A * x * x * x)).tanh();
    0.5 * (1.0 + th) + 0.5 * x * (1.0 - th * th) * GELU_C * (1.0 + 3.0 * GELU_A * x * x)
}

/// Numerically stable softmax, in place.
pub(crate) fn softmax_in_place(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f32;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    let inv = 1.0 / sum;
    for x in v.iter_mut() {
        *x *= inv;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f32, b: f32, tol: f32) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn softmax_of_known_input() {
        let mut v = [1.0f32, 2.0, 3.0];
        softmax_in_place(&mut v);
        // e^1, e^2, e^3 normalised.
        let expected = [0.090_030_57, 0.244_728_48, 0.665_240_94];
        for (a, b) in v.iter().zip(expected) {
            assert!(close(*a, b, 1e-6), "{v:?}");
        }
        // Large logits do not overflow.
        let mut big = [1000.0f32, 1000.0];
        softmax_in_place(&mut big);
        assert_eq!(big, [0.5, 0.5]);
    }

    #[test]
    fn layer_norm_of_known_input() {
        let x = [1.0f32, 2.0, 3.0, 4.0];
        let g = [1.0f32, 1.0, 2.0, 1.0];
        let b = [0.0f32, 0.0, 0.0, 0.5];
        let mut out = [0.0f32; 4];
        let (mean, rstd) = layer_norm(&x, &g, &b, &mut out);
        assert!(close(mean, 2.5, 1e-6));
        // variance 1.25
        let r = 1.0 / (1.25f32 + LN_EPS).sqrt();
        assert!(close(rstd, r, 1e-6));
        let expected = [-1.5 * r, -0.5 * r, 2.0 * 0.5 * r, 1.5 * r + 0.5];
        for (a, e) in out.iter().zip(expected) {
            assert!(close(*a, e, 1e-5), "{out:?}");
        }
    }

    #[test]
    fn gelu_known_values_and_gradient() {
        assert_eq!(gelu(0.0), 0.0);
        assert!(close(gelu(1.0), 0.841_192, 1e-5));
        assert!(close(gelu(-1.0), -0.158_808, 1e-5));
        for x in [-3.0f32, -0.5, 0.0, 0.7, 2.5] {
            let h = 1e-2;
            let num = (gelu(x + h) - gelu(x - h)) / (2.0 * h);
            assert!(close(gelu_grad(x), num, 1e-3), "x={x}");
        }
    }

    #[test]
    fn dot_and_linear() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        let b: Vec<f32> = (0..19).map(|i| (i % 3) as f32).collect();
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert_eq!(dot(&a, &b), naive);
        // x = [1, 2], W = [[1, 2, 3], [4, 5, 6]], b = [0.5, 0, -1]
        let mut out = [0.0f32; 3];
        linear(&[1.0, 2.0], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[0.5, 0.0, -1.0], &mut out);
        assert_eq!(out, [9.5, 12.0, 14.0]);
    }
}
