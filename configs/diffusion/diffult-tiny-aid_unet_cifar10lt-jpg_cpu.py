# The tiny CPU generator with the paper's third loss, L_AID (alpha 0.1,
# per-class d_f; phi0 = the short CPU CE run), switched on for the second
# half of the 750 iterations: the untrained UNet must first learn to denoise
# (L_AID is ~100x L_DDPM at the start). On this model it hurts (phi0-FD 31.9
# against 27.9 without it; benchmarks/RESULTS.md, "the tiny CPU config").
#
#   export DIFFULT_PHI0_CHECKPOINT=work_dirs/benchmarks/ce_resnet32_cifar10lt-jpg_cpu-20e/seed0/epoch_20.pth
#   python tools/train.py configs/diffusion/diffult-tiny-aid_unet_cifar10lt-jpg_cpu.py
_base_ = ['./diffult-tiny_unet_cifar10lt-jpg_cpu.py']

model = dict(
    aid=dict(
        _delete_=True,
        phi0_config={{_base_.phi0_config}},
        phi0_checkpoint={{_base_.phi0_checkpoint}},
        real_dataset={{_base_.real_dataset}},
        alpha=0.1,
        d_f='per_class',
        start_iter=375))
