# DiffuLT's generator for CIFAR (paper, App. A.1, on the CBDM code): the DDPM
# CIFAR UNet (ch 128, mult [1,2,2,2], attention at 16x16, 2 res-blocks,
# dropout 0.1; ~35.7 M parameters), T = 1000 linear betas 1e-4..0.02,
# eps-prediction, labels dropped for the whole batch with p = 0.1 (CFG),
# L_DDPM + L_CBDM (tau 1, gamma 0.25), ADA-style non-leaking augmentation
# with the CBDM code's set (x-flip; y-flip, scale, rotation, anisotropy and
# translation with p = 0.12 each; the parameters condition the denoiser),
# which DiffuLT's App. A.1 trains with. Single-head attention at 16x16 and
# in the middle block, as DDPM / CBDM (the 'ddpm-cifar' preset). L_AID is
# enabled by the dataset configs that know phi0 (see configs/diffusion/).
model = dict(
    type='DiffuLTDiffusion',
    num_classes=100,
    unet='ddpm-cifar',
    num_train_timesteps=1000,
    beta_schedule='linear',
    beta_start=1e-4,
    beta_end=0.02,
    label_drop_prob=0.1,
    label_drop_mode='batch',
    cbdm=dict(tau=1.0, gamma=0.25),
    ada=dict(pipeline='cbdm', p=0.12),
    # Validation samples: DDIM-50 without guidance (cheap; the synthesis
    # stage chooses its own sampler: the paper configs keep ancestral DDPM
    # with all 1000 steps, the fixed-large-variance sampler of DDPM / CBDM,
    # which degrades badly when respaced to few steps; fast runs use DDIM or
    # DPM-Solver++ 2M, which stay accurate at 10-25 steps with guidance).
    sample_cfg=dict(
        num_steps=50, sampler='ddim', guidance_scale=0.0, seed=0,
        batch_size=256),
)
